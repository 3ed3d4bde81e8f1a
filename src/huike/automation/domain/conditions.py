"""Rule conditions (R-7.1), pure: a list of {"field", "op", "value"} checked against one record.

A record is a plain dict of field values (dates as date, times as aware datetimes, tags as a list of
names, related counts such as "followup_count" as ints). All conditions must hold. Operators:
  eq, ne, in (value is a list), contains, not_contains (text, or a tag in the tag list),
  gt, gte, lt, lte (numbers and dates), empty, not_empty,
  within_days (a date/time from today up to N days ahead), overdue_days (at least N days in the past),
  changed, changed_to (only true for an event that changed the field — to `value` for changed_to).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

OPS = ("eq", "ne", "in", "contains", "not_contains", "gt", "gte", "lt", "lte", "empty", "not_empty",
       "within_days", "overdue_days", "changed", "changed_to")
NO_VALUE = ("empty", "not_empty", "changed")
EVENT_ONLY = ("changed", "changed_to")


class ConditionError(ValueError):
    pass


@dataclass
class Context:
    today: dt.date                       # the local date the rule is evaluated on
    changes: dict[str, list] | None = None  # {field: [before, after]} of the triggering event
    extra: dict[str, Any] = field(default_factory=dict)


def validate(conditions: list[dict], fields: set[str] | None = None) -> None:
    if not isinstance(conditions, list):
        raise ConditionError("conditions must be a list")
    for c in conditions:
        if not isinstance(c, dict) or c.get("op") not in OPS:
            raise ConditionError(f"unknown operator in {c!r}")
        if fields is not None and c.get("field") not in fields:
            raise ConditionError(f"unknown field {c.get('field')!r}")
        if c["op"] in ("within_days", "overdue_days"):
            try:
                if int(c.get("value")) < 0:
                    raise ValueError
            except (TypeError, ValueError):
                raise ConditionError(f"{c['op']} needs a whole number of days ≥ 0") from None
        if c["op"] == "in" and not isinstance(c.get("value"), list):
            raise ConditionError("in needs a list of values")


def matches(conditions: list[dict], record: dict[str, Any], ctx: Context) -> bool:
    return all(check(c, record, ctx) for c in conditions)


def check(c: dict, record: dict[str, Any], ctx: Context) -> bool:
    op, name, want = c["op"], c["field"], c.get("value")
    if op in EVENT_ONLY:
        if not ctx.changes or name not in ctx.changes:
            return False
        return op == "changed" or _same(ctx.changes[name][1], want)
    have = record.get(name)
    if op == "eq":
        return _same(have, want)
    if op == "ne":
        return not _same(have, want)
    if op == "in":
        return any(_same(have, w) for w in want)
    if op in ("contains", "not_contains"):
        found = _contains(have, want)
        return found if op == "contains" else not found
    if op == "empty":
        return have in (None, "", [], False)
    if op == "not_empty":
        return have not in (None, "", [], False)
    if op in ("within_days", "overdue_days"):
        day = _as_date(have)
        if day is None:
            return False
        if op == "within_days":
            return ctx.today <= day <= ctx.today + dt.timedelta(days=int(want))
        return day <= ctx.today - dt.timedelta(days=int(want))
    return _compare(op, have, want)


def _same(have: Any, want: Any) -> bool:
    if isinstance(have, bool) or isinstance(want, bool):
        return _as_bool(have) == _as_bool(want)
    if isinstance(have, (int, float)) and not isinstance(have, bool):
        try:
            return float(have) == float(want)
        except (TypeError, ValueError):
            return False
    return str(have if have is not None else "") == str(want if want is not None else "")


def _as_bool(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "yes", "on")
    return bool(v)


def _contains(have: Any, want: Any) -> bool:
    if isinstance(have, (list, tuple, set)):
        return str(want) in {str(h) for h in have}
    return str(want or "") in str(have or "")


def _as_date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()  # the loader gives local times, so this is the local day
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and v:
        try:
            return dt.date.fromisoformat(v[:10])
        except ValueError:
            return None
    return None


def _compare(op: str, have: Any, want: Any) -> bool:
    if have is None or want in (None, ""):
        return False
    day = _as_date(have)
    if day is not None:
        left, right = day, _as_date(want)
        if right is None:
            return False
    else:
        try:
            left, right = float(have), float(want)
        except (TypeError, ValueError):
            return False
    return {"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[op]


def render(template: str, record: dict[str, Any]) -> str:
    """Fill {name}, {code}, {owner} … from the record; unknown names stay as written."""

    class _Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    try:
        return template.format_map(_Keep({k: ("" if v is None else v) for k, v in record.items()}))
    except (ValueError, IndexError):
        return template
