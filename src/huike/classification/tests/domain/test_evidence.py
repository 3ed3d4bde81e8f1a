import datetime as dt

import pytest
from django.utils import translation

from huike.classification.domain.features import FEATURE_NAMES
from huike.classification.evidence import explain, money
from huike.classification.writer import _codes_text, _history_text, _results_text


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


def test_staged_rows_become_copy_text_and_a_backslash_is_refused():
    # given two result rows, one with no RFM scores, and the code rows of the customers whose codes moved
    day = dt.date(2026, 10, 31)
    results = [('{"a":1}', 5, 4, 3, 2, day, -7, 11), ('{"b":[2,3]}', None, None, None, None, day, 9, 12)]
    codes = [("high", "key", "stable", 11), ("", "normal", "potential", 12)]
    # when they are written as COPY text
    # then each is one tab-separated line, NULL for missing scores, an empty string for no tier
    assert _results_text(results) == ('{"a":1}\t5\t4\t3\t2\t2026-10-31\t-7\t11\n'
                                      '{"b":[2,3]}\t\\N\t\\N\t\\N\t\\N\t2026-10-31\t9\t12\n')
    assert _codes_text(codes) == "high\tkey\tstable\t11\n\tnormal\tpotential\t12\n"
    # and evidence or a code that would need escaping is refused, not written wrongly
    with pytest.raises(ValueError, match="tab, newline or backslash"):
        _results_text([('{"a":"x\\\\y"}', *results[0][1:]), results[1]])
    with pytest.raises(ValueError, match="tab, newline or backslash"):
        _codes_text([("hi\tgh", "key", "stable", 11)])


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
