"""Schedule maths and retention, pure."""
import datetime as dt

import pytest

from huike.backups.domain.schedule import DAILY, OFF, WEEKLY, Schedule, is_due, next_slot, to_remove

T = dt.datetime


@pytest.mark.parametrize("after, expected", [
    (T(2026, 3, 10, 1, 59), T(2026, 3, 10, 2, 0)),  # later today
    (T(2026, 3, 10, 2, 0), T(2026, 3, 11, 2, 0)),  # exactly at the slot: the next one
    (T(2026, 3, 10, 23, 0), T(2026, 3, 11, 2, 0)),
    (T(2026, 12, 31, 3, 0), T(2027, 1, 1, 2, 0)),  # across the year
])
def test_daily_slots(after, expected):
    assert next_slot(Schedule(DAILY, dt.time(2, 0)), after) == expected


@pytest.mark.parametrize("after, expected", [
    (T(2026, 3, 9, 1, 0), T(2026, 3, 9, 2, 30)),  # Monday 09 March, before the slot
    (T(2026, 3, 9, 2, 30), T(2026, 3, 16, 2, 30)),  # at it: a week later
    (T(2026, 3, 12, 9, 0), T(2026, 3, 16, 2, 30)),  # Thursday
    (T(2026, 3, 15, 23, 59), T(2026, 3, 16, 2, 30)),  # Sunday night
])
def test_weekly_slots_on_monday(after, expected):
    assert next_slot(Schedule(WEEKLY, dt.time(2, 30), weekday=0), after) == expected


def test_weekly_on_sunday_from_a_monday():
    assert next_slot(Schedule(WEEKLY, dt.time(23, 0), weekday=6), T(2026, 3, 9, 0, 0)) == T(2026, 3, 15, 23, 0)


def test_off_never_has_a_slot_nor_is_due():
    off = Schedule(OFF, dt.time(2, 0))
    assert next_slot(off, T(2026, 3, 9)) is None
    assert not is_due(off, last=T(2000, 1, 1), now=T(2026, 3, 9))


def test_due_once_a_slot_has_passed_since_the_last_run():
    daily = Schedule(DAILY, dt.time(2, 0))
    last = T(2026, 3, 9, 2, 0, 5)  # ran just after Monday's slot
    assert not is_due(daily, last=last, now=T(2026, 3, 10, 1, 59))
    assert is_due(daily, last=last, now=T(2026, 3, 10, 2, 0))
    # a worker down for three days: due (once: the run moves `last` to now)
    assert is_due(daily, last=last, now=T(2026, 3, 13, 9, 0))
    assert not is_due(daily, last=T(2026, 3, 13, 9, 0), now=T(2026, 3, 13, 23, 0))


@pytest.mark.parametrize("names, keep, removed", [
    (["a", "b", "c", "d"], 2, ["a", "b"]),
    (["a", "b"], 2, []),
    (["a"], 5, []),
    (["a", "b", "c"], 0, ["a", "b"]),  # at least one is always kept
    ([], 3, []),
])
def test_retention_removes_the_oldest_beyond_keep(names, keep, removed):
    assert to_remove(names, keep) == removed
