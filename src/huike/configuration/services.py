"""Admin writes on settings rows (R-2.1 lists, R-3.2 cadence, R-8.1 deadlines). Audited."""
from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.accounts.models import User
from huike.audit.services import audit_record, diff, snapshot
from huike.core.errors import FieldErrors
from huike.core.validation import unknown_fields
from huike.customers import options
from huike.customers.models import Option, OptionKind
from huike.followups.domain.cadence import CadenceRule
from huike.followups.models import CadenceRuleRow
from huike.service.models import ComplaintDeadline

OPTION_FIELDS = ["kind", "key", "label_zh", "label_en", "position", "active"]
CADENCE_FIELDS = ["kind", "n", "label", "active"]
DEADLINE_FIELDS = ["response_hours", "resolve_hours"]
_KEY = re.compile(r"^[a-z0-9_]{1,40}$")


def _clean_option(data: dict[str, Any], instance: Option | None) -> dict[str, Any]:
    errors = unknown_fields(data, OPTION_FIELDS)
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if instance is not None and ("kind" in out and out["kind"] != instance.kind or "key" in out and out["key"] != instance.key):
        errors["key"] = [_("The key of a list entry is stored on records and cannot change; add a new entry instead.")]
    if instance is None:
        if out.get("kind") not in OptionKind.values:
            errors["kind"] = [_("Choose which list the entry belongs to.")]
        if not _KEY.match(out.get("key") or ""):
            errors["key"] = [_("Use 1–40 lower-case letters, digits or underscores, e.g. new_energy.")]
        elif Option.objects.filter(kind=out.get("kind"), key=out["key"]).exists():
            errors["key"] = [_("This list already has an entry with that key.")]
    for f in ("label_zh", "label_en"):
        if (instance is None or f in out) and not out.get(f):
            errors[f] = [_("Enter the label shown to users.")]
        elif f in out and len(out[f]) > 60:
            errors[f] = [_("At most %(limit)d characters (you entered %(count)d).") % {"limit": 60, "count": len(out[f])}]
    if errors:
        raise FieldErrors(errors)
    return out


@transaction.atomic
def option_save(*, actor: User, data: dict[str, Any], option: Option | None = None) -> Option:
    """Create or change a list entry. Entries are deactivated, never deleted: records keep their key."""
    policies.require_admin(actor)
    cleaned = _clean_option(data, option)
    before = snapshot(option, OPTION_FIELDS) if option else {}
    option = option or Option()
    for k, v in cleaned.items():
        setattr(option, k, v)
    option.save()
    options.invalidate()
    audit_record(actor=actor, action="update" if before else "create", obj=option,
                 changes=diff(before, snapshot(option, OPTION_FIELDS)))
    return option


@transaction.atomic
def cadence_rule_update(*, actor: User, rule: CadenceRuleRow, data: dict[str, Any]) -> CadenceRuleRow:
    policies.require_admin(actor)
    errors = unknown_fields(data, CADENCE_FIELDS)
    merged = {**snapshot(rule, ["dimension", "value", *CADENCE_FIELDS]), **data}
    try:
        CadenceRule(merged["dimension"], merged["value"], merged["kind"], int(merged["n"] or 0))
    except (ValueError, TypeError) as e:
        errors["n"] = [_("Not a valid cadence: %(reason)s.") % {"reason": e}]
    if len(merged.get("label") or "") > 100:
        errors["label"] = [_("At most %(limit)d characters (you entered %(count)d).") % {
            "limit": 100, "count": len(merged["label"])}]
    if errors:
        raise FieldErrors(errors)
    before = snapshot(rule, CADENCE_FIELDS)
    for k, v in data.items():
        setattr(rule, k, v)
    rule.save()
    audit_record(actor=actor, action="update", obj=rule, changes=diff(before, snapshot(rule, CADENCE_FIELDS)))
    from huike.customers.tasks import refresh_cadences_task

    # Every customer's due time follows the new rule; in the worker, never inside the request.
    transaction.on_commit(refresh_cadences_task)
    return rule


@transaction.atomic
def deadline_update(*, actor: User, row: ComplaintDeadline, data: dict[str, Any]) -> ComplaintDeadline:
    policies.require_admin(actor)
    errors = unknown_fields(data, DEADLINE_FIELDS)
    merged = {**snapshot(row, DEADLINE_FIELDS), **data}
    for f in DEADLINE_FIELDS:
        value = merged.get(f)
        if not isinstance(value, int) or not 1 <= value <= 24 * 90:
            errors[f] = [_("Enter a whole number of hours between 1 and 2160.")]
    if not errors and merged["resolve_hours"] < merged["response_hours"]:
        errors["resolve_hours"] = [_("The resolution deadline cannot come before the response deadline.")]
    if errors:
        raise FieldErrors(errors)
    before = snapshot(row, DEADLINE_FIELDS)
    for k, v in data.items():
        setattr(row, k, v)
    row.save()
    audit_record(actor=actor, action="update", obj=row, changes=diff(before, snapshot(row, DEADLINE_FIELDS)))
    return row
