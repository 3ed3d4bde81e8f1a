import datetime as dt

import pytest
from django.utils import translation

from huike.classification.domain.features import FEATURE_NAMES
from huike.classification.evidence import explain, money
from huike.classification.models import Change, Result
from huike.classification.writer import _codes_text


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


def test_a_history_row_gives_the_evidence_of_its_change_and_an_old_row_none():
    # given a change a run made (its inputs kept), its value class waiting for a manager
    features = {name: 0 for name in FEATURE_NAMES}
    features.update(amt_recent=5_000_000, amt_before_recent=10_000_000, orders_ever=4)
    change = Change(run_id=7, threshold_set=0, as_of=dt.date(2026, 6, 30), stage_since=dt.date(2026, 6, 1),
                    value_tier_from="high", value_tier_to="medium", value_class_from="key", value_class_to="normal",
                    relationship_type_from="stable", relationship_type_to="churn_risk", status="pending", **features)
    # when its evidence is read, then it is the document of the change's results, as explain() reads it
    assert change.evidence == {
        "run": 7, "thresholds": 0, "as_of": "2026-06-30", "stage_since": "2026-06-01", "features": features,
        "value_tier": "medium", "value_class": "normal", "value_class_pending": True,
        "relationship_type": "churn_risk"}
    with translation.override("en"):
        assert explain(change.evidence)["relationship_type"]["value"] == "churn_risk"
    # and a change recorded before the history kept its evidence has none to explain
    old = Change(as_of=dt.date(2026, 6, 30), relationship_type_to="stable")
    assert (old.evidence, explain(old.evidence)) == ({}, {})
