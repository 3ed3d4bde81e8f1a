import datetime as dt

import pytest
from django.utils import translation

from huike.classification.domain.features import FEATURE_NAMES
from huike.classification.evidence import explain, money
from huike.classification.models import Result
from huike.classification.writer import _codes_text, _history_text


def stored(**features):
    return {"run": 1, "thresholds": 0, "as_of": "2026-06-30", "stage_since": "2026-06-01",
            "features": {name: features.get(name, 0) for name in FEATURE_NAMES},
            "value_tier": "high", "value_class": "strategic", "value_class_pending": False,
            "relationship_type": features.pop("_rel", "unclassified"), "rfm": [5, 4, 5], "segment": 1}


def test_money_reads_naturally_in_both_languages():
    with translation.override("zh-hans"):
        assert [money(150_000_000), money(12_345), money(123_456)] == ["150万", "¥123.45", "¥1,234.56"]
    with translation.override("en"):
        assert [money(150_000_000), money(12_345)] == ["¥1,500,000", "¥123.45"]


def test_strategic_evidence_states_the_numbers_that_made_it_hold():
    first = dt.date(2023, 1, 1).toordinal()
    data = stored(amt_annual=150_000_000, first_coop=first, core_business=True, proactive=True, orders_ever=9,
                  _rel="strategic")
    with translation.override("zh-hans"):
        words = explain(data)
    assert words["relationship_type"]["value"] == "strategic"
    assert "150万" in words["relationship_type"]["summary"]
    assert "100万" in words["relationship_type"]["summary"]
    assert words["days_in_stage"] == 29


def test_a_prospect_says_it_has_no_cooperation_record():
    with translation.override("en"):
        words = explain(stored())
    assert "No cooperation record yet" in words["relationship_type"]["summary"]


def test_unclassified_with_orders_lists_why_each_rule_failed():
    with translation.override("en"):
        words = explain(stored(amt_annual=6_000_000, cnt_annual=2, orders_ever=2,
                               last_order=dt.date(2026, 6, 1).toordinal()))
    summary = words["relationship_type"]["summary"]
    assert summary.startswith("No rule held:")
    assert "2 orders in 12 months" in summary
    assert [line["held"] for line in words["relationship_type"]["rules"]] == [False] * 5


def test_empty_evidence_explains_nothing():
    assert explain({}) == {}


def test_code_rows_become_copy_text_and_a_tab_is_refused():
    # given the code rows of the customers whose codes moved, one with no tier
    codes = [("high", "key", "stable", 11), ("", "normal", "potential", 12)]
    # when they are written as COPY text
    # then each is one tab-separated line, an empty string for no tier
    assert _codes_text(codes) == "high\tkey\tstable\t11\n\tnormal\tpotential\t12\n"
    # and a code that would need escaping is refused, not written wrongly
    with pytest.raises(ValueError, match="tab, newline or backslash"):
        _codes_text([("hi\tgh", "key", "stable", 11)])


def test_a_stored_result_gives_its_evidence_as_the_document_the_pages_state_in_words():
    # given a result's typed columns: a run's, with a pending value class and RFM scores
    features = {name: 0 for name in FEATURE_NAMES}
    features.update(amt_annual=150_000_000, orders_ever=9, first_coop=dt.date(2023, 1, 1).toordinal(),
                    core_business=True, proactive=True)
    result = Result(run_id=7, threshold_set=3, classified_on=dt.date(2026, 6, 30), stage_since=dt.date(2026, 6, 1),
                    value_tier="high", value_class="strategic", value_class_pending=True,
                    relationship_type="strategic", rfm_r=5, rfm_f=4, rfm_m=5, segment=1, **features)
    # when its evidence is read
    # then it is the document explain() reads, booleans as 1 and 0
    assert result.evidence == {
        "run": 7, "thresholds": 3, "as_of": "2026-06-30", "stage_since": "2026-06-01",
        "features": {**features, "core_business": 1, "proactive": 1}, "value_tier": "high",
        "value_class": "strategic", "value_class_pending": True, "relationship_type": "strategic",
        "rfm": [5, 4, 5], "segment": 1}
    # and a result without a tier, a stage date or RFM scores (no orders; no run's cut points yet) says so
    bare = Result(classified_on=dt.date(2026, 6, 30), value_class="normal", relationship_type="unclassified")
    assert {k: bare.evidence[k] for k in ("run", "stage_since", "value_tier", "rfm", "segment")} == {
        "run": None, "stage_since": None, "value_tier": None, "rfm": None, "segment": None}


def test_history_rows_become_copy_text_and_a_tab_is_refused():
    # given a run's first classification of a customer and a one-customer reclassification's change (no run)
    day, at = dt.date(2026, 10, 31), "2026-11-24 05:00:00+00:00"
    rows = [(11, "", "high", "", "strategic", "", "potential", day, 7, '{"run": 7}', "applied", at),
            (12, "high", "high", "key", "strategic", "stable", "stable", day, None, '{"run": null}', "pending", at)]
    # when they are written as COPY text
    text = _history_text(rows)
    # then each is one tab-separated line, NULL for the missing run, an empty string for no earlier value
    assert text == ('11\t\thigh\t\tstrategic\t\tpotential\t2026-10-31\t7\t{"run": 7}\tapplied\t2026-11-24 05:00:00+00:00\n'
                    '12\thigh\thigh\tkey\tstrategic\tstable\tstable\t2026-10-31\t\\N\t{"run": null}\tpending\t'
                    '2026-11-24 05:00:00+00:00\n')
    # and a value that would need escaping is refused, not written wrongly
    for column, value in ((2, "hi\tgh"), (3, "a\nb"), (6, "a\\b"), (9, '{"x":"a\\\\b"}')):
        bad = [rows[0][:column] + (value,) + rows[0][column + 1:]]
        with pytest.raises(ValueError, match="tab, newline or backslash"):
            _history_text(bad)
