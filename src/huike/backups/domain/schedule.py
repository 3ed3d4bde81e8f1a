"""When scheduled backups are due, and which backups retention removes. Pure: local naive times in, out."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

OFF, DAILY, WEEKLY = "off", "daily", "weekly"
FREQUENCIES = (OFF, DAILY, WEEKLY)


@dataclass(frozen=True)
class Schedule:
    frequency: str  # off | daily | weekly
    at: dt.time  # local wall-clock time
    weekday: int = 0  # Monday 0 … Sunday 6; weekly only


def next_slot(schedule: Schedule, after: dt.datetime) -> dt.datetime | None:
    """The first scheduled moment strictly after `after`; None when the schedule is off."""
    if schedule.frequency == OFF:
        return None
    slot = dt.datetime.combine(after.date(), schedule.at)
    if schedule.frequency == DAILY:
        return slot if slot > after else slot + dt.timedelta(days=1)
    slot += dt.timedelta(days=(schedule.weekday - after.weekday()) % 7)
    return slot if slot > after else slot + dt.timedelta(days=7)


def is_due(schedule: Schedule, *, last: dt.datetime, now: dt.datetime) -> bool:
    """A backup is due when a slot has passed since `last` (the last run, or when the schedule was set).

    Slots missed while no worker ran give one backup when it comes back, not one per missed slot.
    """
    slot = next_slot(schedule, last)
    return slot is not None and slot <= now


def to_remove(names_oldest_first: list[str], keep: int) -> list[str]:
    """Retention: everything but the newest `keep` (at least one is always kept)."""
    keep = max(keep, 1)
    return names_oldest_first[:-keep] if len(names_oldest_first) > keep else []
