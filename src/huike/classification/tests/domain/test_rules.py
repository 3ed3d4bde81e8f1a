import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huike.classification.domain.features import Features, FeatureTable
from huike.classification.domain.rules import (
    RELATIONSHIP_CODES, TierCuts, relationship_batch, relationship_type, value_class, value_class_batch,
    value_tier_batch, value_tier_single,
)
from huike.classification.domain.thresholds import Thresholds, validate
from huike.classification.domain.windows import in_window, window

AS_OF = dt.date(2026, 6, 30)
T = Thresholds()
Y = 100  # fen per yuan


def ordinal(y, m, d):
    return dt.date(y, m, d).toordinal()


def rel(**kw):
    return relationship_type(Features(**kw), T, AS_OF)


# --- windows --------------------------------------------------------------------------------

def test_windows_are_open_at_the_start_and_closed_at_as_of():
    assert window(AS_OF, 12) == (dt.date(2025, 6, 30), dt.date(2026, 6, 30))
    assert not in_window(dt.date(2025, 6, 30), AS_OF, 12)
    assert in_window(dt.date(2025, 7, 1), AS_OF, 12)
    assert in_window(AS_OF, AS_OF, 12)
    assert not in_window(AS_OF + dt.timedelta(days=1), AS_OF, 12)


def test_consecutive_windows_meet_exactly_even_at_month_ends():
    as_of = dt.date(2027, 5, 31)
    recent, before = window(as_of, 3), window(as_of, 3, offset_months=3)
    assert recent == (dt.date(2027, 2, 28), dt.date(2027, 5, 31))
    assert before == (dt.date(2026, 11, 30), dt.date(2027, 2, 28))


# --- churn risk -----------------------------------------------------------------------------

def test_amount_falling_by_exactly_half_is_churn_risk():
    d = rel(amt_recent=50_000 * Y, amt_before_recent=100_000 * Y, orders_ever=5, amt_annual=150_000 * Y)
    assert (d.value, d.checks["churn_risk.amount_dropped"]) == ("churn_risk", True)


def test_amount_falling_by_just_under_half_is_not():
    d = rel(amt_recent=50_000 * Y + 1, amt_before_recent=100_000 * Y, orders_ever=5)
    assert d.checks["churn_risk.amount_dropped"] is False


def test_nothing_falls_from_zero_and_zero_in_both_windows_is_no_drop():
    assert rel(amt_recent=0, amt_before_recent=0, orders_ever=1).checks["churn_risk.amount_dropped"] is False


def test_two_contracts_not_renewed_in_a_row_or_three_complaints_is_churn_risk():
    assert rel(nonrenewed_streak=2).value == "churn_risk"
    assert rel(nonrenewed_streak=1).value != "churn_risk"
    assert rel(complaints_annual=3).value == "churn_risk"
    assert rel(complaints_annual=2).value != "churn_risk"


def test_churn_risk_wins_over_strategic():
    strategic = dict(amt_annual=2_000_000 * Y, first_coop=ordinal(2020, 1, 1), core_business=True, proactive=True,
                     orders_ever=30)
    assert rel(**strategic).value == "strategic"
    assert rel(**strategic, complaints_annual=3).value == "churn_risk"


# --- strategic ------------------------------------------------------------------------------

def test_strategic_needs_amount_two_years_core_and_proactive():
    base = dict(amt_annual=1_000_000 * Y, first_coop=ordinal(2024, 6, 30), core_business=True, proactive=True,
                orders_ever=10)
    assert rel(**base).value == "strategic"                                    # exactly 1,000,000 and 2 years
    assert rel(**{**base, "amt_annual": 1_000_000 * Y - 1}).value != "strategic"
    assert rel(**{**base, "first_coop": ordinal(2024, 7, 1)}).value != "strategic"  # a day short of 2 years
    assert rel(**{**base, "core_business": False}).value != "strategic"
    assert rel(**{**base, "proactive": False}).value != "strategic"


# --- potential ------------------------------------------------------------------------------

def test_potential_band_and_exactly_thirty_percent_growth():
    base = dict(amt_annual=200_000 * Y, cnt_growth=13, cnt_growth_prev=10, orders_ever=23)
    assert rel(**base).value == "potential"
    assert rel(**{**base, "cnt_growth": 12}).value != "potential"            # 20 % growth
    assert rel(**{**base, "amt_annual": 200_000 * Y - 1}).value != "potential"
    assert rel(**{**base, "amt_annual": 1_000_000 * Y}).value != "potential"  # upper bound excluded


def test_potential_by_new_demand_without_growth():
    assert rel(amt_annual=300_000 * Y, cnt_growth=2, cnt_growth_prev=10, new_demand=True, orders_ever=12).value == "potential"


def test_growth_from_no_orders_counts_as_growth():
    assert rel(amt_annual=300_000 * Y, cnt_growth=3, cnt_growth_prev=0, orders_ever=3).value == "potential"


# --- stable ---------------------------------------------------------------------------------

def test_stable_band_frequency_and_no_complaint():
    base = dict(amt_annual=50_000 * Y, cnt_annual=12, orders_ever=12, last_order=ordinal(2026, 6, 1))
    assert rel(**base).value == "stable"                                        # exactly 50,000 and 1/month
    assert rel(**{**base, "cnt_annual": 11}).value != "stable"
    assert rel(**{**base, "cnt_annual": 35}).value == "stable"
    assert rel(**{**base, "cnt_annual": 36}).value != "stable"                  # 3/month is the excluded bound
    assert rel(**{**base, "amt_annual": 200_000 * Y}).value != "stable"
    assert rel(**{**base, "complaints_annual": 1}).value != "stable"


# --- low frequency --------------------------------------------------------------------------

def test_low_frequency_needs_an_order_ever_a_small_amount_and_six_months_gap():
    # as of 30 June the last six months are (30 Dec, 30 Jun]: an order on 30 Dec is outside them
    base = dict(amt_annual=10_000 * Y, orders_ever=2, last_order=ordinal(2025, 12, 30))
    assert rel(**base).value == "low_frequency"
    assert rel(**{**base, "last_order": ordinal(2025, 12, 31)}).value == "unclassified"
    assert rel(**{**base, "amt_annual": 50_000 * Y}).value == "unclassified"     # 50,000 is not < 50,000


def test_a_prospect_without_orders_is_unclassified_with_its_reason():
    d = rel()
    assert (d.value, d.rule) == ("unclassified", "no_orders")
    d = rel(amt_annual=60_000 * Y, cnt_annual=2, orders_ever=2, last_order=ordinal(2026, 6, 1))
    assert (d.value, d.rule) == ("unclassified", "none")


def test_the_rule_order_is_data():
    t = Thresholds(rule_order=("strategic", "churn_risk", "potential", "stable", "low_frequency"))
    f = Features(amt_annual=2_000_000 * Y, first_coop=ordinal(2020, 1, 1), core_business=True, proactive=True,
                 orders_ever=30, complaints_annual=5)
    assert relationship_type(f, t, AS_OF).value == "strategic"


# --- value class ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "yuan, expected",
    [(0, "normal"), (99_999.99, "normal"), (100_000, "key"), (499_999.99, "key"), (500_000, "strategic")],
)
def test_value_class_bands(yuan, expected):
    fen = round(yuan * 100)
    assert value_class(fen, T) == expected
    assert ("strategic", "key", "normal")[value_class_batch(np.array([fen]), T)[0]] == expected


# --- value tier -----------------------------------------------------------------------------

def tiers(amounts):
    out, cuts = value_tier_batch(np.array(amounts, dtype=np.int64), T)
    return "".join("HML"[i] for i in out), cuts


def test_ten_distinct_amounts_split_two_five_three():
    assert tiers([100, 90, 80, 70, 60, 50, 40, 30, 20, 10])[0] == "HHMMMMMLLL"


def test_a_tie_at_the_boundary_stays_in_the_higher_tier():
    # third and fourth tie with the second: all join the high tier
    assert tiers([100, 90, 90, 90, 60, 50, 40, 30, 20, 10])[0] == "HHHHMMMLLL"
    # a tie straddling the medium/low boundary stays medium
    assert tiers([100, 90, 80, 70, 60, 50, 40, 40, 20, 10])[0] == "HHMMMMMMLL"


def test_customers_without_amount_are_low_whatever_their_rank():
    assert tiers([100, 0, 0, 0, 0])[0] == "HLLLL"
    assert tiers([0, 0, 0])[0] == "LLL"
    assert tiers([])[0] == ""


def test_tier_cuts_classify_one_customer_like_the_run():
    _, cuts = tiers([100, 90, 80, 70, 60, 50, 40, 30, 20, 10])
    assert cuts == TierCuts(high_min=90, medium_min=40, customers=10)
    assert [value_tier_single(a, cuts) for a in (95, 90, 89, 40, 39, 0)] == ["high", "high", "medium", "medium", "low", "low"]


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=300))
def test_tier_shares_hold_for_any_amounts(amounts):
    out, _ = value_tier_batch(np.array(amounts, dtype=np.int64), T)
    n = len(amounts)
    arr = np.array(amounts, dtype=np.int64)
    high, medium = arr[out == 0], arr[out == 1]
    # at least the top 20 % by count are high unless they have no amount; ties never split across tiers
    distinct_pos = arr > 0
    if n:
        assert (out == 0).sum() >= min(int(np.ceil(n * 0.2)), distinct_pos.sum())
        assert (out <= 1).sum() >= min(int(np.ceil(n * 0.7)), distinct_pos.sum())
    for tier in (0, 1, 2):
        inside = set(arr[out == tier].tolist())
        outside = set(arr[out != tier].tolist())
        assert not inside & outside
    if len(high) and len(medium):
        assert high.min() > medium.max()
    assert (out[arr == 0] == 2).all()


# --- the batch form agrees with the one-customer form ---------------------------------------

_feature = st.builds(
    Features,
    amt_annual=st.sampled_from([0, 49_999 * Y, 50_000 * Y, 199_999 * Y, 200_000 * Y, 999_999 * Y, 1_000_000 * Y,
                                3_000_000 * Y]),
    cnt_annual=st.integers(0, 40), amt_class=st.integers(0, 10**9), amt_tier=st.integers(0, 10**9),
    amt_recent=st.integers(0, 200), amt_before_recent=st.integers(0, 200),
    cnt_growth=st.integers(0, 20), cnt_growth_prev=st.integers(0, 20), orders_ever=st.integers(0, 50),
    last_order=st.sampled_from([0, ordinal(2025, 12, 30), ordinal(2025, 12, 31), ordinal(2026, 1, 1)]),
    first_coop=st.sampled_from([0, ordinal(2024, 6, 30), ordinal(2024, 7, 1)]),
    complaints_annual=st.integers(0, 4), nonrenewed_streak=st.integers(0, 2),
    core_business=st.booleans(), proactive=st.booleans(), new_demand=st.booleans(),
)


@settings(max_examples=120)
@given(st.lists(_feature, min_size=1, max_size=40), st.permutations(
    ["churn_risk", "strategic", "potential", "stable", "low_frequency"]))
def test_batch_relationship_equals_the_single_rule(rows, order):
    t = Thresholds(rule_order=tuple(order))
    batch = relationship_batch(FeatureTable.from_rows(list(range(len(rows))), rows), t, AS_OF)
    assert [RELATIONSHIP_CODES[i] for i in batch] == [relationship_type(r, t, AS_OF).value for r in rows]


@given(_feature)
def test_classification_is_idempotent(f):
    assert relationship_type(f, T, AS_OF) == relationship_type(f, T, AS_OF)


# --- thresholds -----------------------------------------------------------------------------

def test_default_thresholds_are_coherent():
    assert validate(T) == {}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"tier_low_pct": 40}, "tier_low_pct"),
        ({"class_key_min": 600_000}, "class_key_min"),
        ({"stable_max": 300_000}, "stable_max"),
        ({"potential_min": 1_200_000}, "potential_max"),
        ({"rule_order": ("churn_risk", "strategic")}, "rule_order"),
        ({"annual_window_months": 0}, "annual_window_months"),
    ],
)
def test_incoherent_thresholds_are_named(change, field):
    assert field in validate(Thresholds(**{**T.as_dict(), **change, "rule_order": tuple(change.get("rule_order", T.rule_order))}))


def test_thresholds_round_trip_through_a_dict():
    t = Thresholds(potential_growth_pct=25, class_approval=False)
    assert Thresholds.from_dict(t.as_dict()) == t
