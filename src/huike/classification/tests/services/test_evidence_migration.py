"""Classification migrations 0010 and 0011: the stored evidence documents become typed columns (results), the
history keeps its evidence from then on; and back."""
import datetime as dt
import json

import pytest
from django.db import connection

from huike.classification.domain.features import FEATURE_NAMES
from huike.classification.models import Change, Result
from huike.testing.factories import make_customer
from huike.testing.migrations import migrate, newest

BEFORE = [("classification", "0009_history_row_per_run")]
AFTER = [("classification", "0010_result_evidence_columns")]
OLD = ("INSERT INTO classification_result (customer_id, evidence, rfm_r, rfm_f, rfm_m, segment, classified_on, hash) "
       "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)")


def _document(**over) -> dict:
    features = {name: 0 for name in FEATURE_NAMES}
    features.update(amt_annual=150_000_000_00, cnt_annual=12, last_order=dt.date(2026, 9, 1).toordinal(),
                    core_business=1, new_demand=0)
    return {"run": 5, "thresholds": 2, "as_of": "2026-09-30", "stage_since": "2026-07-09", "features": features,
            "value_tier": "high", "value_class": "strategic", "value_class_pending": True,
            "relationship_type": "strategic", "rfm": [5, 4, 3], "segment": 2, **over}


@pytest.mark.django_db(transaction=True)
def test_stored_documents_become_columns_and_back(org):
    a, b, c = make_customer(org.ra1), make_customer(org.ra1), make_customer(org.ra1)
    full = _document()
    # b: a one-customer reclassification's (no run), before any run's cut points (no tier), no stage date,
    # an older document with booleans written as true/false; c: an empty document
    bare = _document(run=None, value_tier=None, stage_since=None, value_class="normal", value_class_pending=False,
                     relationship_type="unclassified", rfm=None, segment=None)
    bare["features"] = {**bare["features"], "core_business": True, "proactive": False}
    migrate(BEFORE)
    try:
        # given results stored as documents
        with connection.cursor() as cur:
            cur.execute(OLD, [a.pk, json.dumps(full), 5, 4, 3, 2, "2026-09-30", 11])
            cur.execute(OLD, [b.pk, json.dumps(bare), None, None, None, None, "2026-10-31", 12])
            cur.execute(OLD, [c.pk, "{}", None, None, None, None, None, 0])
        # when the results are migrated
        migrate(AFTER)
        # then each document's values are in the columns, a missing one the column's default
        got = {r.customer_id: r for r in Result.objects.all()}
        assert got[a.pk].evidence == {**full, "thresholds": 2}
        assert (got[a.pk].hash, got[a.pk].amt_annual, got[a.pk].core_business) == (11, 150_000_000_00, True)
        assert got[b.pk].evidence == {**bare, "as_of": "2026-10-31", "features": {
            **bare["features"], "core_business": 1, "proactive": 0}}
        assert got[c.pk].evidence["features"] == {name: 0 for name in FEATURE_NAMES}
        assert (got[c.pk].run_id, got[c.pk].value_class, got[c.pk].classified_on) == (None, "", None)
        # and migrated back, the documents say the same
        migrate(BEFORE)
        with connection.cursor() as cur:
            cur.execute("SELECT customer_id, evidence FROM classification_result ORDER BY customer_id")
            back = {pk: doc if isinstance(doc, dict) else json.loads(doc) for pk, doc in cur.fetchall()}
        assert back[a.pk] == full
        assert back[b.pk] == {**bare, "as_of": "2026-10-31", "features": {
            **bare["features"], "core_business": 1, "proactive": 0}}
    finally:
        migrate(newest("classification"))


@pytest.mark.django_db(transaction=True)
def test_history_rows_written_before_0011_keep_their_run_and_no_evidence(org):
    a = make_customer(org.ra1)
    migrate([("classification", "0010_result_evidence_columns")])
    try:
        # given a history row whose document only named its run
        with connection.cursor() as cur:
            cur.execute("INSERT INTO classification_change (customer_id, as_of, run_id, evidence, status, created_at, "
                        "value_tier_from, value_tier_to, value_class_from, value_class_to, relationship_type_from, "
                        "relationship_type_to) VALUES (%s, '2026-09-30', 5, %s, 'applied', %s, '', 'high', '', "
                        "'key', '', 'potential')",
                        [a.pk, '{"run": 5}', dt.datetime(2026, 9, 30, tzinfo=dt.timezone.utc)])
        # when the history is migrated
        migrate([("classification", "0011_history_keeps_its_evidence")])
        # then the row keeps its run and says it has no evidence to explain, rather than zeros
        change = Change.objects.get(customer=a)
        assert (change.run_id, change.threshold_set, change.amt_annual, change.evidence) == (5, None, 0, {})
        # and migrated back, its document names the run again
        migrate([("classification", "0010_result_evidence_columns")])
        with connection.cursor() as cur:
            cur.execute("SELECT evidence FROM classification_change WHERE customer_id = %s", [a.pk])
            doc = cur.fetchone()[0]
        assert (doc if isinstance(doc, dict) else json.loads(doc)) == {"run": 5}
    finally:
        migrate(newest("classification"))
