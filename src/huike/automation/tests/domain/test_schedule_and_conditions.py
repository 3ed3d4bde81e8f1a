"""Pure tests: schedules and conditions, no database."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from huike.automation.domain.conditions import Context, ConditionError, matches, render, validate
from huike.automation.domain.schedule import ScheduleError, due_period, next_runs, parse_cron
from huike.automation.domain import schedule

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def test_month_end_is_due_on_the_last_day_of_february_in_a_leap_year():
    # given
    spec = {"kind": "month_end", "at": "09:00"}

    # then
    assert due_period(spec, sh(2028, 2, 29, 9, 0), SH) == "2028-02-29"
    assert due_period(spec, sh(2028, 2, 28, 9, 0), SH) is None
    assert due_period(spec, sh(2027, 2, 28, 10, 0), SH) == "2027-02-28"


def test_month_end_is_not_due_before_its_time_of_day():
    assert due_period({"kind": "month_end", "at": "09:00"}, sh(2026, 11, 30, 8, 59), SH) is None


def test_day_schedule_uses_the_local_day_not_the_utc_day():
    # given: 2026-11-30 20:00 UTC is 2026-12-01 04:00 in Shanghai
    now = dt.datetime(2026, 11, 30, 20, 0, tzinfo=UTC)

    # then: in Shanghai it is not the month end any more, and not yet 09:00 of the first
    assert due_period({"kind": "month_end", "at": "00:00"}, now, SH) is None
    assert due_period({"kind": "month_end", "at": "00:00"}, now, UTC) == "2026-11-30"
    assert due_period({"kind": "daily", "at": "04:00"}, now, SH) == "2026-12-01"


def test_weekly_monday():
    spec = {"kind": "weekly", "weekday": 0, "at": "09:00"}
    assert due_period(spec, sh(2026, 11, 23, 9, 30), SH) == "2026-11-23"  # a Monday
    assert due_period(spec, sh(2026, 11, 24, 9, 30), SH) is None


def test_every_n_days_counts_from_the_start_date_across_a_leap_day():
    spec = {"kind": "every_n_days", "n": 3, "start": "2028-02-27", "at": "08:00"}
    assert [r.date().isoformat() for r in next_runs(spec, sh(2028, 2, 27, 9, 0), SH, 3)] == [
        "2028-03-01", "2028-03-04", "2028-03-07"]
    assert due_period(spec, sh(2028, 2, 26, 9, 0), SH) is None  # before the start


def test_cron_every_15_minutes_on_workdays():
    spec = {"kind": "cron", "expr": "*/15 9-18 * * 1-5"}
    assert due_period(spec, sh(2026, 11, 23, 9, 15), SH) == "2026-11-23T09:15"
    assert due_period(spec, sh(2026, 11, 23, 9, 16), SH) is None
    assert due_period(spec, sh(2026, 11, 22, 9, 15), SH) is None  # Sunday


def test_cron_with_day_and_weekday_both_restricted_runs_on_either():
    # given "09:00 on the 1st and on Mondays" (standard cron reads the two day fields as "or")
    spec = {"kind": "cron", "expr": "0 9 1 * 1"}
    # when the next runs after Sunday 22 Nov 2026 are listed
    runs = next_runs(spec, sh(2026, 11, 22, 12, 0), SH, 3)
    # then Monday the 23rd, Monday the 30th and Tuesday the 1st of December, not every Monday the 1st
    assert runs == [sh(2026, 11, 23, 9, 0), sh(2026, 11, 30, 9, 0), sh(2026, 12, 1, 9, 0)]


def test_cron_sunday_is_0_or_7():
    assert parse_cron("0 9 * * 7")[4] == frozenset({0})
    assert next_runs({"kind": "cron", "expr": "0 9 * * 0"}, sh(2026, 11, 23, 0, 0), SH, 1) == [sh(2026, 11, 29, 9, 0)]


@pytest.mark.parametrize("spec", [
    {"kind": "hourly"}, {"kind": "cron", "expr": "61 * * * *"}, {"kind": "cron", "expr": "* * *"},
    {"kind": "weekly", "weekday": 7}, {"kind": "every_n_days", "n": 0}, {"kind": "daily", "at": "9h"},
])
def test_bad_schedules_are_refused(spec):
    with pytest.raises(ScheduleError):
        schedule.validate(spec)


def test_next_runs_of_month_end_are_each_months_last_day():
    runs = next_runs({"kind": "month_end", "at": "09:00"}, sh(2027, 1, 31, 10, 0), SH, 3)
    assert runs == [sh(2027, 2, 28, 9, 0), sh(2027, 3, 31, 9, 0), sh(2027, 4, 30, 9, 0)]


UPGRADE = [
    {"field": "demand", "op": "contains", "value": "已确认预算"},
    {"field": "expected_close_date", "op": "within_days", "value": 7},
    {"field": "intent", "op": "eq", "value": "medium"},
]


def test_upgrade_conditions_hold_for_confirmed_budget_closing_within_7_days():
    record = {"demand": "客户已确认预算，下周签约", "expected_close_date": dt.date(2026, 11, 30), "intent": "medium"}
    assert matches(UPGRADE, record, Context(today=dt.date(2026, 11, 23))) is True


@pytest.mark.parametrize("change", [
    {"expected_close_date": dt.date(2026, 12, 1)},   # 8 days ahead
    {"expected_close_date": dt.date(2026, 11, 22)},  # already past
    {"expected_close_date": None},
    {"demand": "预算待定"},
    {"intent": "high"},
])
def test_upgrade_conditions_fail_when_one_part_is_missing(change):
    record = {"demand": "已确认预算", "expected_close_date": dt.date(2026, 11, 30), "intent": "medium", **change}
    assert matches(UPGRADE, record, Context(today=dt.date(2026, 11, 23))) is False


def test_changed_to_only_holds_for_an_event_that_set_the_field_to_the_value():
    cond = [{"field": "stage", "op": "changed_to", "value": "closed"}]
    record = {"stage": "closed"}
    assert matches(cond, record, Context(dt.date(2026, 1, 1), changes={"stage": ["intent", "closed"]})) is True
    assert matches(cond, record, Context(dt.date(2026, 1, 1), changes={"intent": ["low", "high"]})) is False
    assert matches(cond, record, Context(dt.date(2026, 1, 1))) is False


def test_tags_counts_booleans_and_overdue():
    ctx = Context(today=dt.date(2026, 11, 23))
    record = {"tags": ["价格敏感"], "followup_count": 3, "registered_late": True,
              "next_followup_at": dt.datetime(2026, 11, 20, 9, 0, tzinfo=SH)}
    assert matches([{"field": "tags", "op": "contains", "value": "价格敏感"}], record, ctx)
    assert matches([{"field": "followup_count", "op": "gte", "value": "3"}], record, ctx)
    assert not matches([{"field": "followup_count", "op": "gt", "value": 3}], record, ctx)
    assert matches([{"field": "registered_late", "op": "eq", "value": "true"}], record, ctx)
    assert matches([{"field": "next_followup_at", "op": "overdue_days", "value": 3}], record, ctx)
    assert not matches([{"field": "next_followup_at", "op": "overdue_days", "value": 4}], record, ctx)


def test_bad_conditions_are_refused():
    with pytest.raises(ConditionError):
        validate([{"field": "x", "op": "like", "value": 1}])
    with pytest.raises(ConditionError):
        validate([{"field": "name", "op": "within_days", "value": "soon"}])
    with pytest.raises(ConditionError):
        validate([{"field": "nope", "op": "eq", "value": 1}], fields={"name"})


def test_render_fills_known_names_and_keeps_unknown_ones():
    assert render("请跟进{name}（{code}）{unknown}", {"name": "甲公司", "code": "C000001"}) == "请跟进甲公司（C000001）{unknown}"
