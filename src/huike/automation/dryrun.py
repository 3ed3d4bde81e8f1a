"""Dry run (R-7.4): which records a rule would touch now, and what it would do — nothing is written."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from huike.customers.models import Customer

from .actions import SET_BASED_LABEL, describe
from .domain.conditions import EVENT_ONLY, Context, matches
from .domain.schedule import next_runs
from .records import iter_records, live_customers, local_today, local_tz

SCAN_LIMIT = 50_000  # a web request must stay quick; the page says when the scan stopped early
LIST_LIMIT = 100
_PREFILTER_OPS = {"eq": "", "contains": "__contains", "in": "__in"}


@dataclass
class DryRun:
    next_runs: list[dt.datetime] = field(default_factory=list)
    matched: int = 0
    scanned: int = 0
    truncated: bool = False
    rows: list[dict] = field(default_factory=list)  # {"customer": {...}, "actions": [str]}
    notes: list[str] = field(default_factory=list)


def dry_run(rule_data: dict, now: dt.datetime | None = None) -> DryRun:
    from . import builtins

    now = now or timezone.now()
    out = DryRun()
    if rule_data["trigger"] == "schedule":
        out.next_runs = next_runs(rule_data["schedule"], now, local_tz(), 5)
    for action in rule_data["actions"]:
        if action.get("type") == "cadence_reminders":
            builtins.cadence_preview(out, action, now)
        elif action.get("type") == "complaint_escalation":
            builtins.complaint_preview(out, now)
    per_record = [a for a in rule_data["actions"] if a.get("type") not in SET_BASED_LABEL]
    if per_record:
        _scan(out, rule_data, per_record, now)
    return out


def _prefilter(conditions: list[dict]) -> Q:
    """Narrow the scan in SQL with the simple text conditions; the pure check still decides."""
    concrete = {f.name for f in Customer._meta.concrete_fields if f.get_internal_type() in ("CharField", "TextField")}
    q = Q()
    for c in conditions:
        if c.get("field") in concrete and c.get("op") in _PREFILTER_OPS:
            q &= Q(**{c["field"] + _PREFILTER_OPS[c["op"]]: c.get("value")})
    return q


def _scan(out: DryRun, rule_data: dict, actions: list[dict], now: dt.datetime) -> None:
    # For a record trigger, "changed to X" is read as "is X now": the records an event would touch.
    conditions = [{**c, "op": "eq"} if c.get("op") == "changed_to" else c
                  for c in rule_data["conditions"] if c.get("op") != "changed"]
    ctx = Context(today=local_today(now))
    qs = live_customers().filter(_prefilter(conditions))
    for record in iter_records(qs, conditions):
        out.scanned += 1
        if out.scanned > SCAN_LIMIT:
            out.truncated = True
            break
        if matches(conditions, record, ctx):
            out.matched += 1
            if len(out.rows) < LIST_LIMIT:
                out.rows.append({"customer": record, "actions": [describe(a, record) for a in actions]})
    if any(c.get("op") in EVENT_ONLY for c in rule_data["conditions"]):
        out.notes.append("changed")
