"""The writer's bulk rows (sent by a worker thread on PostgreSQL) and the locks under which a run inserts results."""
import datetime as dt

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from huike.classification import locks, writer
from huike.classification.models import Change, Result
from huike.classification.services import classify_customer
from huike.customers.models import Customer
from huike.testing.factories import make_customer

AT = dt.datetime(2026, 6, 30, 8, 15, 30, 123457, tzinfo=dt.timezone.utc)


def as_columns(names: tuple[str, ...], rows: list[dict]) -> list:
    """Rows (by column name; missing ones 0, NULL or the first text) as the columns the writer sends."""
    import numpy as np

    from huike.core.copy_binary import Column

    def column(name):
        values = [r.get(name) for r in rows]
        null = np.array([v is None for v in values])
        if name in writer._FEATURE_KINDS:
            return Column(np.array([v or 0 for v in values]), writer._FEATURE_KINDS[name])
        if name in ("classified_on", "as_of", "stage_since"):
            return Column(np.array([v.toordinal() if v else 0 for v in values]), "date", null=null)
        if name == "created_at":
            return Column(np.array([writer._microseconds(v) for v in values]), "timestamptz")
        if name in ("value_class_pending",):
            return Column(np.array([bool(v) for v in values]), "bool")
        if name.startswith(("value_", "relationship_", "status")):
            texts = tuple(sorted({v or "" for v in values}))
            return Column(np.array([texts.index(v or "") for v in values]), "text", texts=texts)
        kind = "int2" if name.startswith(("rfm_", "segment")) else "int4" if name == "threshold_set" else "int8"
        return Column(np.array([v or 0 for v in values]), kind, null=null)
    return [column(name) for name in names]


def result_rows(*customer_ids: int) -> list:
    """Result rows (writer.RESULT_COLUMNS): hash 7, no run, no RFM scores."""
    return as_columns(writer.RESULT_COLUMNS, [
        {"customer_id": c, "classified_on": dt.date(2026, 6, 30), "value_class": "normal",
         "relationship_type": "potential", "hash": 7, "threshold_set": 0} for c in customer_ids])


def test_rows_sent_in_chunks_are_all_in_their_tables_after_wait(org):
    # given two customers
    a, b = make_customer(org.ra1, name="甲"), make_customer(org.ra1, name="乙")
    history = as_columns(writer.HISTORY_COLUMNS, [
        {"customer_id": c.pk, "value_tier_to": "high", "value_class_to": "normal", "relationship_type_to": "potential",
         "as_of": dt.date(2026, 6, 30), "status": "applied", "threshold_set": 0,
         "created_at": AT} for c in (a, b)])
    # when their results and history are sent as two chunks and waited for
    with transaction.atomic(), writer._Rows() as rows:
        rows.send_columns(Result._meta.db_table, writer.RESULT_COLUMNS, result_rows(a.pk))
        rows.send_columns(Change._meta.db_table, writer.HISTORY_COLUMNS, history)
        rows.send_columns(Result._meta.db_table, writer.RESULT_COLUMNS, result_rows(b.pk))
        rows.wait()
        # then every row is in its table, read on the same connection
        assert sorted(Result.objects.values_list("customer_id", "hash")) == [(a.pk, 7), (b.pk, 7)]
        assert sorted(Change.objects.values_list("customer_id", "value_tier_to", "created_at")) == [
            (a.pk, "high", AT), (b.pk, "high", AT)]  # the moment exact to the microsecond, on either engine


def test_a_row_the_database_refuses_is_raised_in_the_caller_as_djangos_error_and_nothing_is_kept(org):
    # given a customer
    a = make_customer(org.ra1, name="甲")
    # when its first result is sent twice (the table's key refuses the second)
    with pytest.raises(IntegrityError):
        with transaction.atomic(), writer._Rows() as rows:
            rows.send_columns(Result._meta.db_table, writer.RESULT_COLUMNS, result_rows(a.pk, a.pk))
            rows.wait()
    # then nothing was kept
    assert Result.objects.count() == 0


def test_leaving_the_block_on_an_error_stops_the_worker_and_keeps_nothing(org):
    a = make_customer(org.ra1, name="甲")
    # when the caller fails after sending a row
    with pytest.raises(RuntimeError, match="caller"):
        with transaction.atomic(), writer._Rows() as rows:
            rows.send_columns(Result._meta.db_table, writer.RESULT_COLUMNS, result_rows(a.pk))
            raise RuntimeError("caller")
    # then the worker (PostgreSQL) has stopped and the row is gone with the transaction
    assert not (rows.postgres and rows.worker.is_alive())
    assert Result.objects.count() == 0


@pytest.fixture
def other_session():
    """A second PostgreSQL session, as a run in another worker process would hold its lock."""
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; on SQLite a run's IMMEDIATE transaction excludes other writers")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        yield other


def test_a_reclassification_that_may_not_wait_is_refused_while_a_run_holds_its_lock(org, other_session):
    a = make_customer(org.ra1, name="甲")
    # given a run in progress in another session
    other_session.execute("SELECT pg_advisory_lock(%s, 0)", [locks.RUNS])
    # when the customer is reclassified without waiting, then it is refused and nothing is written
    with pytest.raises(locks.RunInProgress):
        classify_customer(a.pk, wait=False)
    assert Result.objects.count() == 0
    # and once the run has finished, the reclassification goes through
    other_session.execute("SELECT pg_advisory_unlock(%s, 0)", [locks.RUNS])
    assert classify_customer(a.pk, wait=False) is True
    assert Result.objects.filter(customer_id=a.pk).count() == 1


def test_a_reclassification_holds_its_customers_lock_and_shares_the_run_lock(org, other_session):
    a = make_customer(org.ra1, name="甲")
    # when a customer is reclassified (this test's transaction stays open)
    classify_customer(a.pk)
    # then another session can share the run lock but cannot take it alone, nor the customer's lock
    held = other_session.execute(
        "SELECT pg_try_advisory_lock_shared(%s, 0), pg_try_advisory_lock(%s, 0), pg_try_advisory_lock(%s, %s)",
        [locks.RUNS, locks.RUNS, locks.CUSTOMERS, a.pk]).fetchone()
    assert held == (True, False, False)


def test_the_reclassify_button_says_a_run_is_in_progress_instead_of_waiting(org, client, other_session):
    a = make_customer(org.ra1, name="甲")
    other_session.execute("SELECT pg_advisory_lock(%s, 0)", [locks.RUNS])
    client.force_login(org.ma)
    # when a manager presses reclassify during a run
    response = client.post(reverse("classification:reclassify", args=[a.pk]), follow=True)
    # then the customer page says so (in the manager's Chinese) and nothing was written
    assert "分类运行正在进行，也会为该客户分类。运行完成后可再次重新分类。" in response.content.decode()
    assert Result.objects.count() == 0


def test_a_purge_waits_for_a_run_in_progress(org, other_session):
    from django.db import OperationalError

    from huike.customers.services import customer_delete
    from huike.recycle.services import customer_purge

    # given a binned customer and a run in progress in another session
    a = make_customer(org.ra1, name="甲")
    customer_delete(actor=org.admin, customer=a)
    other_session.execute("SELECT pg_advisory_lock(%s, 0)", [locks.RUNS])
    # when an admin purges it, then the purge waits for the run (here until its lock timeout) and keeps the customer
    with pytest.raises(OperationalError, match="lock timeout"):
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET LOCAL lock_timeout = '200ms'")
            customer_purge(actor=org.admin, pk=a.pk)
    assert Customer.objects.filter(pk=a.pk).exists()
