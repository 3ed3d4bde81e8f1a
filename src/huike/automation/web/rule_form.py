"""The rule builder's form: flat POST fields (rows of conditions and actions) ⇄ the rule's JSON."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..actions import RECIPIENTS, SETTABLE, TYPES
from ..domain.conditions import OPS
from ..models import Trigger
from ..records import condition_fields

OP_LABELS = {
    "eq": _("is"), "ne": _("is not"), "in": _("is one of (comma separated)"), "contains": _("contains"),
    "not_contains": _("does not contain"), "gt": _("greater than"), "gte": _("at least"), "lt": _("less than"),
    "lte": _("at most"), "empty": _("is empty"), "not_empty": _("is not empty"),
    "within_days": _("date within N days from today"), "overdue_days": _("date at least N days ago"),
    "changed": _("was changed"), "changed_to": _("was changed to"),
}
SCHEDULE_KINDS = {"daily": _("Every day"), "every_n_days": _("Every N days"), "weekly": _("Weekly on a weekday"),
                  "month_end": _("On the last day of the month"), "cron": _("Cron expression")}
WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
ACTION_KEYS = {
    "set_field": ("field", "value"), "add_tag": ("tag",), "create_reminder": ("title", "body", "due_in_days"),
    "notify": ("to", "user", "title", "body"), "email": ("to", "user", "address", "subject", "body"),
    "message": ("channel", "to", "user", "address", "title", "text"), "cadence_reminders": ("texts", "default"),
    "complaint_escalation": (),
}
EXTRA_ROWS = 2


def parse(post) -> dict[str, Any]:
    kind = post.get("sched_kind", "daily")
    schedule = {"kind": kind}
    if kind == "cron":
        schedule["expr"] = post.get("sched_expr", "").strip()
    else:
        schedule["at"] = post.get("sched_at", "").strip() or "09:00"
        if kind == "every_n_days":
            schedule["n"] = _int(post.get("sched_n"))
            schedule["start"] = post.get("sched_start", "").strip() or "2026-01-01"
        if kind == "weekly":
            schedule["weekday"] = _int(post.get("sched_weekday"))
    return {"name": post.get("name", ""), "description": post.get("description", ""),
            "enabled": post.get("enabled") == "on", "trigger": post.get("trigger", ""), "schedule": schedule,
            "conditions": _conditions(post), "actions": _actions(post)}


def _int(raw) -> int:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return -1


def _rows(post, prefix: str) -> list[int]:
    return sorted({int(k.split("-")[1]) for k in post if k.startswith(prefix + "-") and k.split("-")[1].isdigit()})


def _conditions(post) -> list[dict]:
    out = []
    for i in _rows(post, "cond"):
        name, op, value = (post.get(f"cond-{i}-{k}", "").strip() for k in ("field", "op", "value"))
        if not name:
            continue
        if op == "in":
            out.append({"field": name, "op": op, "value": [v.strip() for v in value.split(",") if v.strip()]})
        elif op in ("within_days", "overdue_days"):
            out.append({"field": name, "op": op, "value": _int(value)})
        else:
            out.append({"field": name, "op": op, "value": value})
    return out


def _actions(post) -> list[dict]:
    out = []
    for i in _rows(post, "act"):
        kind = post.get(f"act-{i}-type", "").strip()
        if not kind:
            continue
        action: dict[str, Any] = {"type": kind}
        for key in ACTION_KEYS.get(kind, ()):
            raw = post.get(f"act-{i}-{key}", "")
            if key == "texts":
                action[key] = dict(line.split("=", 1) for line in raw.splitlines() if "=" in line)
            elif key in ("due_in_days", "user"):
                action[key] = _int(raw) if raw else (0 if key == "due_in_days" else None)
            else:
                action[key] = raw.strip()
        out.append(action)
    return out


def rows_for(data: dict[str, Any]) -> dict[str, Any]:
    """Template context: the rule's rows plus empty ones to add more, and the choice lists."""
    conditions = [dict(c) for c in data.get("conditions") or []]
    for c in conditions:
        value = c.get("value")
        c["value_text"] = ", ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else value)
    actions = []
    for a in data.get("actions") or []:
        a = dict(a)
        if a.get("type") == "cadence_reminders":
            a["texts_text"] = "\n".join(f"{k}={v}" for k, v in (a.get("texts") or {}).items())
        actions.append(a)
    return {
        "conditions": conditions + [{} for _ in range(EXTRA_ROWS)],
        "actions": actions + [{} for _ in range(EXTRA_ROWS if len(actions) < 6 else 1)],
        "fields": condition_fields(), "ops": [(op, OP_LABELS[op]) for op in OPS],
        "action_types": list(TYPES.items()), "recipients": list(RECIPIENTS.items()),
        "settable": [(name, label) for name, label in condition_fields() if name in SETTABLE],
        "schedule_kinds": list(SCHEDULE_KINDS.items()), "trigger_choices": Trigger.choices, "weekdays": list(enumerate(WEEKDAYS)),
    }
