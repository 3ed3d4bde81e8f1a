"""Writes on rules (admin only): validated as a whole, stored as data; built-ins may be edited and
switched off but not deleted."""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from huike.accounts.models import User
from huike.audit.services import audit_record
from huike.core.errors import FieldErrors, Forbidden

from . import actions as action_types
from .domain import conditions as cond
from .events import forget_listeners
from .domain import schedule as sched
from .models import Rule, Trigger
from .records import field_names


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only an admin can change automation rules."))


def clean_rule(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = str(data.get("name", "")).strip()
    if not name:
        errors["name"] = [_("Enter a name for the rule.")]
    trigger = data.get("trigger")
    if trigger not in Trigger.values:
        errors["trigger"] = [_("Choose when the rule runs.")]
    schedule = data.get("schedule") or {}
    if trigger == Trigger.SCHEDULE:
        try:
            sched.validate(schedule)
        except sched.ScheduleError as e:
            errors["schedule"] = [_("The schedule is not valid: %(why)s") % {"why": e}]
    else:
        schedule = {}
    conditions = data.get("conditions") or []
    try:
        cond.validate(conditions, field_names())
    except cond.ConditionError as e:
        errors["conditions"] = [_("A condition is not valid: %(why)s") % {"why": e}]
    if trigger == Trigger.SCHEDULE and any(c.get("op") in cond.EVENT_ONLY for c in conditions):
        errors.setdefault("conditions", []).append(_("“Changed” conditions only work with record triggers."))
    actions = data.get("actions") or []
    problems = action_types.validate(actions)
    if problems:
        errors["actions"] = problems
    if errors:
        raise FieldErrors(errors)
    return {"name": name[:100], "description": str(data.get("description", "")), "enabled": bool(data.get("enabled")),
            "trigger": trigger, "schedule": schedule, "conditions": conditions, "actions": actions}


@transaction.atomic
def rule_save(*, actor: User, data: dict[str, Any], rule: Rule | None = None) -> Rule:
    _require_admin(actor)
    cleaned = clean_rule(data)
    transaction.on_commit(forget_listeners)
    if rule is None:
        rule = Rule.objects.create(**cleaned)
        audit_record(actor=actor, action="create", obj=rule, changes={"rule": [None, cleaned["name"]]})
        return rule
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    before = {k: getattr(rule, k) for k in cleaned}
    for k, v in cleaned.items():
        setattr(rule, k, v)
    rule.save()
    changes = {k: [before[k], v] for k, v in cleaned.items() if before[k] != v}
    if changes:
        audit_record(actor=actor, action="update", obj=rule, changes=changes)
    return rule


@transaction.atomic
def rule_set_enabled(*, actor: User, rule: Rule, enabled: bool) -> Rule:
    _require_admin(actor)
    if rule.enabled != enabled:
        transaction.on_commit(forget_listeners)
        Rule.objects.filter(pk=rule.pk).update(enabled=enabled)
        audit_record(actor=actor, action="update", obj=rule, changes={"enabled": [rule.enabled, enabled]})
        rule.enabled = enabled
    return rule


@transaction.atomic
def rule_delete(*, actor: User, rule: Rule) -> None:
    _require_admin(actor)
    if rule.builtin:
        raise Forbidden(_("A built-in rule cannot be deleted; switch it off instead."))
    audit_record(actor=actor, action="delete", obj=rule, changes={"rule": [rule.name, None]})
    rule.delete()
