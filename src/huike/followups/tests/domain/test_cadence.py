import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huike.followups.domain.cadence import DEFAULT_RULES, CadenceRule, add_months, next_due, rule_due

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def due(**kw):
    kw.setdefault("intent", None)
    kw.setdefault("value_class", None)
    return next_due(**kw)


def test_high_intent_every_two_days_beats_intent_stage_every_three():
    # given an intent-stage, high-intent customer last contacted Monday 10:00 Shanghai time
    last = local(2026, 11, 2, 10, 0)
    # when the cadence is computed
    result = due(last_contact=last, stage="intent", intent="high")
    # then the earliest rule wins: two days later, same time, stored in UTC
    assert result.at == local(2026, 11, 4, 10, 0).astimezone(UTC)
    assert (result.rule.dimension, result.rule.value) == ("intent", "high")


def test_medium_intent_is_due_next_monday_at_nine():
    last = local(2026, 11, 2, 10, 0)  # a Monday
    result = due(last_contact=last, stage="potential", intent="medium")
    assert result.at == local(2026, 11, 9, 9, 0).astimezone(UTC)
    assert result.rule.value == "medium"


def test_monday_is_judged_in_shanghai_time_not_utc():
    # given Sunday 23:30 in Shanghai, which is still Sunday 15:30 UTC
    last = local(2026, 11, 22, 23, 30).astimezone(UTC)
    # then the next Monday is the very next day
    result = due(last_contact=last, stage="potential", intent="medium")
    assert result.at == local(2026, 11, 23, 9, 0).astimezone(UTC)


def test_monday_after_a_monday_morning_contact_is_a_week_later():
    last = local(2026, 11, 23, 8, 0)  # Monday before nine
    assert rule_due(CadenceRule("intent", "medium", "weekday", 0), last, SH) == local(2026, 11, 30, 9, 0)


def test_low_intent_is_due_on_the_last_day_of_the_month():
    last = local(2026, 11, 5, 15, 0)
    result = due(last_contact=last, stage="closed", intent="low")
    assert result.at == local(2026, 11, 30, 9, 0).astimezone(UTC)
    assert result.rule.value == "low"


def test_month_end_contact_after_nine_rolls_to_next_month_end():
    rule = CadenceRule("intent", "low", "month_end")
    assert rule_due(rule, local(2026, 11, 30, 10, 0), SH) == local(2026, 12, 31, 9, 0)
    assert rule_due(rule, local(2026, 11, 30, 8, 0), SH) == local(2026, 11, 30, 9, 0)


def test_month_end_in_a_leap_february():
    rule = CadenceRule("intent", "low", "month_end")
    assert rule_due(rule, local(2028, 2, 10, 12, 0), SH) == local(2028, 2, 29, 9, 0)
    assert rule_due(rule, local(2027, 2, 10, 12, 0), SH) == local(2027, 2, 28, 9, 0)


def test_add_months_clamps_to_the_month_length():
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_value_class_rules_apply_and_the_earliest_wins():
    last = local(2026, 1, 31, 10, 0)
    # strategic monthly (Feb 28) vs closed monthly (Feb 28) vs nothing for intent
    result = due(last_contact=last, stage="closed", value_class="strategic")
    assert result.at == local(2026, 2, 28, 10, 0).astimezone(UTC)
    # key: twice a quarter, every 45 days; normal: half-yearly; stage potential weekly wins
    assert due(last_contact=last, stage="potential", value_class="normal").rule.value == "potential"
    key = due(last_contact=last, stage="closed", value_class="key")
    assert key.rule.value == "closed"


def test_a_planned_time_earlier_than_every_rule_wins():
    last = local(2026, 11, 2, 10, 0)
    planned = local(2026, 11, 3, 14, 0)
    result = due(last_contact=last, stage="potential", intent="low", planned=planned)
    assert result.at == planned.astimezone(UTC)
    assert result.rule is None


def test_a_planned_time_before_the_last_contact_is_ignored():
    last = local(2026, 11, 2, 10, 0)
    result = due(last_contact=last, stage="potential", planned=local(2026, 11, 1, 10, 0))
    assert result.rule.value == "potential"


def test_a_lost_customer_has_no_cadence_but_keeps_a_planned_follow_up():
    last = local(2026, 11, 2, 10, 0)
    assert due(last_contact=last, stage="lost", intent="high") is None
    planned = local(2026, 12, 1, 10, 0)
    assert due(last_contact=last, stage="lost", intent="high", planned=planned).at == planned.astimezone(UTC)


def test_no_applicable_rule_gives_none():
    assert due(last_contact=local(2026, 1, 1), stage="potential", rules=[]) is None


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        due(last_contact=dt.datetime(2026, 1, 1), stage="potential")


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(dimension="colour", value="x", kind="days", n=1),
        dict(dimension="stage", value="x", kind="fortnightly", n=1),
        dict(dimension="stage", value="x", kind="days", n=0),
        dict(dimension="stage", value="x", kind="weekday", n=7),
    ],
)
def test_bad_rules_are_refused(kwargs):
    with pytest.raises(ValueError):
        CadenceRule(**kwargs)


_moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(UTC))


@given(
    last=_moments,
    stage=st.sampled_from(["potential", "intent", "closed"]),
    intent=st.sampled_from(["high", "medium", "low", None]),
    value_class=st.sampled_from(["strategic", "key", "normal", None]),
)
def test_due_is_after_the_contact_and_is_the_minimum_of_the_rules(last, stage, intent, value_class):
    result = next_due(last_contact=last, stage=stage, intent=intent, value_class=value_class)
    attrs = {"stage": stage, "intent": intent, "value_class": value_class}
    expected = min(rule_due(r, last, SH) for r in DEFAULT_RULES if attrs[r.dimension] == r.value)
    assert result.at == expected
    assert result.at > last
    assert result.at.tzinfo == UTC
