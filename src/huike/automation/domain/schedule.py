"""When does a scheduled rule run? Pure: a schedule spec and a moment in, a yes/no and a period key out.

Specs are JSON stored on the rule, all in local time (Asia/Shanghai unless the deployment says otherwise):
  {"kind": "daily", "at": "09:00"}
  {"kind": "every_n_days", "n": 3, "start": "2026-01-01", "at": "09:00"}
  {"kind": "weekly", "weekday": 0, "at": "09:00"}          (0 = Monday … 6 = Sunday)
  {"kind": "month_end", "at": "09:00"}
  {"kind": "cron", "expr": "*/15 9-18 * * 1-5"}             (minute hour day month weekday; 0 or 7 = Sunday)
The period key names the occurrence ("2026-02-28" or "2026-02-28T09:15"), so one rule runs once per period
however many ticks or workers see it.
"""
from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

KINDS = ("daily", "every_n_days", "weekly", "month_end", "cron")


class ScheduleError(ValueError):
    pass


def _at(spec: dict) -> dt.time:
    raw = spec.get("at") or "09:00"
    try:
        hour, minute = (int(p) for p in str(raw).split(":"))
        return dt.time(hour, minute)
    except (ValueError, TypeError):
        raise ScheduleError(f"bad time {raw!r}; use HH:MM") from None


def validate(spec: dict) -> None:
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ScheduleError(f"unknown schedule kind {kind!r}")
    if kind == "cron":
        parse_cron(str(spec.get("expr", "")))
        return
    _at(spec)
    if kind == "every_n_days":
        if int(spec.get("n") or 0) < 1:
            raise ScheduleError("every N days needs N ≥ 1")
        _start(spec)
    if kind == "weekly" and not 0 <= int(spec.get("weekday", -1)) <= 6:
        raise ScheduleError("weekday is 0 (Monday) to 6 (Sunday)")


def _start(spec: dict) -> dt.date:
    try:
        return dt.date.fromisoformat(str(spec.get("start") or "2026-01-01"))
    except ValueError:
        raise ScheduleError("start must be YYYY-MM-DD") from None


def is_month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def day_matches(spec: dict, day: dt.date) -> bool:
    kind = spec["kind"]
    if kind == "daily":
        return True
    if kind == "every_n_days":
        delta = (day - _start(spec)).days
        return delta >= 0 and delta % int(spec["n"]) == 0
    if kind == "weekly":
        return day.weekday() == int(spec["weekday"])
    if kind == "month_end":
        return is_month_end(day)
    raise ScheduleError(f"{kind} has no day rule")


def due_period(spec: dict, now: dt.datetime, tz: ZoneInfo) -> str | None:
    """The period key if the schedule is due at `now` (aware), else None.

    Day-based schedules are due from their time of day until midnight, so a worker that was down at
    09:00 still runs the day's occurrence when it comes back; cron is due in its exact minute.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(tz)
    if spec["kind"] == "cron":
        return local.strftime("%Y-%m-%dT%H:%M") if cron_matches(parse_cron(spec["expr"]), local) else None
    if day_matches(spec, local.date()) and local.time() >= _at(spec):
        return local.date().isoformat()
    return None


def next_runs(spec: dict, after: dt.datetime, tz: ZoneInfo, count: int = 3) -> list[dt.datetime]:
    """The next occurrences (aware, local) — shown in the rule builder so an admin can check a schedule."""
    local = after.astimezone(tz).replace(second=0, microsecond=0)
    found: list[dt.datetime] = []
    if spec["kind"] == "cron":
        fields = parse_cron(spec["expr"])
        moment = local + dt.timedelta(minutes=1)
        for _ in range(60 * 24 * 400):
            if cron_matches(fields, moment):
                found.append(moment)
                if len(found) == count:
                    break
            moment += dt.timedelta(minutes=1)
        return found
    at = _at(spec)
    day = local.date()
    for _ in range(800):
        if day_matches(spec, day):
            moment = dt.datetime.combine(day, at, tzinfo=tz)
            if moment > local:
                found.append(moment)
                if len(found) == count:
                    break
        day += dt.timedelta(days=1)
    return found


_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def parse_cron(expr: str) -> tuple[frozenset[int], ...]:
    parts = expr.split()
    if len(parts) != 5:
        raise ScheduleError("a cron expression has 5 fields: minute hour day month weekday")
    fields = []
    for part, (low, high) in zip(parts, _RANGES):
        fields.append(frozenset(_cron_field(part, low, high)))
    weekdays = {0 if d == 7 else d for d in fields[4]}
    return (*fields[:4], frozenset(weekdays))


def _cron_field(part: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for item in part.split(","):
        body, _, step_raw = item.partition("/")
        try:
            step = int(step_raw) if step_raw else 1
            if body == "*":
                start, end = low, high
            elif "-" in body:
                start, end = (int(x) for x in body.split("-"))
            else:
                start = end = int(body)
        except ValueError:
            raise ScheduleError(f"bad cron field {part!r}") from None
        if step < 1 or start < low or end > high or start > end:
            raise ScheduleError(f"cron field {part!r} out of range {low}-{high}")
        values.update(range(start, end + 1, step))
    return values


def cron_matches(fields: tuple[frozenset[int], ...], local: dt.datetime) -> bool:
    minute, hour, day, month, weekday = fields
    cron_weekday = (local.weekday() + 1) % 7  # cron: 0 = Sunday
    day_ok, weekday_ok = local.day in day, cron_weekday in weekday
    # As in standard cron: when both day fields are restricted, either one matching is enough.
    restricted_both = len(day) < 31 and len(weekday) < 7
    days = (day_ok or weekday_ok) if restricted_both else (day_ok and weekday_ok)
    return local.minute in minute and local.hour in hour and local.month in month and days
