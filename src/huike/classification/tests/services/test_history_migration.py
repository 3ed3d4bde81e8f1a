"""Classification migration 0009: the history's rows per dimension become one row per customer and run."""
import datetime as dt

import pytest
from django.db import connection

from huike.classification.models import DIMENSIONS, Change
from huike.testing.factories import make_customer
from huike.testing.migrations import migrate, newest

BEFORE = [("classification", "0008_history_decider_unconstrained")]
AFTER = [("classification", "0009_history_row_per_run")]
OLD = ("INSERT INTO classification_change (id, customer_id, dimension, from_value, to_value, as_of, run_id, evidence, "
       "status, decided_by_id, decided_at, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")


@pytest.mark.django_db(transaction=True)
def test_the_rows_of_one_run_and_customer_become_one_row_with_each_dimensions_values(org):
    a, b = make_customer(org.ra1), make_customer(org.ra1)
    first = dt.datetime(2026, 9, 30, 1, tzinfo=dt.timezone.utc)
    later = dt.datetime(2026, 10, 31, 1, tzinfo=dt.timezone.utc)
    decided = dt.datetime(2026, 11, 2, 9, tzinfo=dt.timezone.utc)
    migrate(BEFORE)
    try:
        # given the old history: a's first run (three rows), a's later run whose value class change was
        # approved (two rows), and b's one reclassification (no run) that moved only the relationship type
        with connection.cursor() as cur:
            for row in [
                (1, a.pk, "value_tier", "", "high", "2026-09-30", 5, '{"run": 5}', "applied", None, None, first),
                (2, a.pk, "relationship_type", "", "potential", "2026-09-30", 5, '{"run": 5}', "applied", None, None,
                 first),
                (3, a.pk, "value_class", "", "key", "2026-09-30", 5, '{"run": 5}', "applied", None, None, first),
                (4, a.pk, "relationship_type", "potential", "stable", "2026-10-31", 6, '{"run": 6}', "applied", None,
                 None, later),
                (5, a.pk, "value_class", "key", "strategic", "2026-10-31", 6, '{"run": 6}', "applied", org.ma.pk,
                 decided, later),
                (6, b.pk, "relationship_type", "", "churn_risk", "2026-10-31", None, '{"run": null}', "applied", None,
                 None, later),
            ]:
                cur.execute(OLD, row)
        # when the history is migrated
        migrate(AFTER)
        # then each run's rows are one, under the first row's id; a dimension it did not move is empty
        rows = list(Change.objects.order_by("id").values_list(
            "id", "customer_id", "run_id", "value_tier_from", "value_tier_to", "value_class_from", "value_class_to",
            "relationship_type_from", "relationship_type_to", "status", "decided_by_id", "decided_at"))
        assert rows == [
            (1, a.pk, 5, "", "high", "", "key", "", "potential", "applied", None, None),
            (4, a.pk, 6, "", "", "key", "strategic", "potential", "stable", "applied", org.ma.pk, decided),
            (6, b.pk, None, "", "", "", "", "", "churn_risk", "applied", None, None),
        ]
        # and what each moved reads as before
        # (the columns 0009 has: later migrations add others to the model)
        kept = ("status", *(f"{d}_{side}" for d in DIMENSIONS for side in ("from", "to")))
        moved = Change.objects.order_by("id").only(*kept)
        assert [c.moves() for c in moved] == [
            {"value_tier": ["", "high"], "value_class": ["", "key"], "relationship_type": ["", "potential"]},
            {"value_class": ["key", "strategic"], "relationship_type": ["potential", "stable"]},
            {"relationship_type": ["", "churn_risk"]},
        ]
    finally:
        migrate(newest("classification"))
