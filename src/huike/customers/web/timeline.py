"""Turns timeline events into what the page shows: recorded changes as labelled before → after rows."""
from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huike.accounts.models import User
from huike.customers import options
from huike.customers.domain.masking import mask_field
from huike.customers.web.forms import SELECT_OPTIONS

HIDDEN = {"code"}  # shown in the header already
OBJECT_NAMES = {"customers.customer": gettext_lazy("customer"), "followups.followup": gettext_lazy("follow-up"),
                "transactions.order": gettext_lazy("order"), "transactions.contract": gettext_lazy("contract"),
                "service.complaint": gettext_lazy("complaint")}
# A new follow-up, order, contract or complaint is its own timeline entry; its "created" row would repeat it.
SELF_SHOWN = {"followups.followup", "transactions.order", "transactions.contract", "service.complaint"}
ACTIONS = {"create": gettext_lazy("created"), "update": gettext_lazy("changed"), "delete": gettext_lazy("deleted"),
           "review": gettext_lazy("reviewed"), "assign": gettext_lazy("reassigned"), "merge": gettext_lazy("merged")}


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _value(model, field_name: str, value: Any, users: dict[int, str]) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field_name in ("owner", "author", "manager") and isinstance(value, int):
        return users.get(value, f"#{value}")
    if model is not None and model.__name__ == "Customer" and field_name in SELECT_OPTIONS:
        return options.label(SELECT_OPTIONS[field_name], value)
    field = _field(model, field_name)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        parsed = parse_datetime(value)
        if parsed:
            from django.utils import timezone

            return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model, name: str) -> str:
    field = _field(model, name)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    return {"tags": _("tags"), "attachments": _("attachments"), "deleted_at": _("deleted")}.get(name, name)


def present(events: list, masked: bool = False) -> list:
    """Adds `rows` (label, before, after) and `action_label` to change events; one user query for all.

    `masked`: the viewer may not see this customer's phone and email in full (R-12.3), nor their history."""
    user_ids = {v for e in events if e.kind == "change" for k, pair in e.obj.changes.items()
                if k in ("owner", "author", "manager") for v in pair if isinstance(v, int)}
    users = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    shown = []
    for e in events:
        if e.kind == "change" and e.obj.action == "create" and e.obj.object_type in SELF_SHOWN:
            continue
        shown.append(e)
        if e.kind != "change":
            continue
        model = _model(e.obj.object_type)
        e.model_name = OBJECT_NAMES.get(e.obj.object_type, e.obj.object_type)
        e.action_label = ACTIONS.get(e.obj.action, e.obj.action)
        e.rows = [
            {"label": _label(model, name), "before": _value(model, name, _mask(masked, name, pair[0]), users),
             "after": _value(model, name, _mask(masked, name, pair[1]), users)}
            for name, pair in e.obj.changes.items() if name not in HIDDEN and isinstance(pair, list) and len(pair) == 2
        ]
    return shown


def _mask(masked: bool, name: str, value):
    return mask_field(name, value) if masked else value
