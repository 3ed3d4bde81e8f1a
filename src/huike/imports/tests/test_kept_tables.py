"""An import writes its new customers with the kept tables' insert triggers paused and catches them up
set-based (reports/paused.py): afterwards every kept table equals a full rebuild, and the triggers work
again for the next ordinary write."""
import datetime as dt

import pytest
from django.db import connection

from huike.customers.models import Customer
from huike.customers.selectors import customer_list
from huike.imports.tests.helpers import csv_bytes, run_import
from huike.reports import due, facts, rollup, stages
from huike.reports.models import CustomerFact, OwnerDayFacts, OwnerDueCount, OwnerStageCount
from huike.testing.factories import make_customer, make_followup

pytestmark = pytest.mark.django_db

HEADER = ["客户名称", "联系人", "联系电话", "漏斗阶段", "意向等级", "首次接触时间", "流失原因", "负责人"]


def kept() -> dict:
    return {
        "stages": sorted(OwnerStageCount.objects.exclude(customers=0).values_list("owner_id", "stage", "customers")),
        "due": sorted(OwnerDueCount.objects.exclude(customers=0).values_list("owner_id", "day", "customers")),
        "facts": sorted(CustomerFact.objects.values_list(*[c for c in facts.COLUMNS])),
        "rollup": sorted(tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in
                         OwnerDayFacts.objects.exclude(customers=0).values_list("owner_id", "day", *rollup.METRICS)),
    }


def rebuilt() -> dict:
    stages.rebuild(connection)
    due.rebuild(connection)
    facts.rebuild(connection)  # and the per-day rollup
    return kept()


def search_index_is_whole() -> bool:
    if connection.vendor != "sqlite":
        return True  # PostgreSQL searches by a trigram index, kept by the database itself
    with connection.cursor() as cur:  # raises when the FTS index differs from the customers' search_text
        cur.execute("INSERT INTO customer_search(customer_search, rank) VALUES ('integrity-check', 1)")
    return True


def test_after_an_import_the_kept_tables_equal_a_rebuild_and_triggers_still_follow_writes(org):
    # given customers written the ordinary way, one with a follow-up
    make_followup(make_customer(org.ra1), org.ra1)
    make_customer(org.ra2, stage="intent")
    # and a file of new customers in several stages, intents, first contacts and owners (ma's team),
    # with one bad row, one row repeating an existing phone and one repeated inside the file
    contact = "2026-03-01 09:30"
    rows = [[f"导入客户{i}有限公司", f"联系人{i}", f"137{i:08d}", ["potential", "intent", "closed"][i % 3],
             ["high", "medium", "low"][i % 3], contact if i % 2 else "", "", ["ra1", "ra2", ""][i % 3]]
            for i in range(10)]
    rows.append(["输单客户有限公司", "赵六", "13600000001", "lost", "", "", "price", "ra1"])
    rows.append(["坏行有限公司", "", "12345", "", "", "", "", ""])
    rows.append([*rows[0][:2], rows[0][2], *rows[0][3:]])
    # when manager ma imports it in batches of 4
    job = run_import(org.ma, "c.csv", csv_bytes(rows, header=HEADER), batch_size=4)
    # then the rows were imported as usual
    assert (job.created, job.skipped, job.failed_rows) == (11, 1, 1)
    # and every kept table equals what a full rebuild computes, and the search index is whole
    after_import = kept()
    assert after_import == rebuilt()
    assert len(after_import["facts"]) == 13
    assert sum(n for _o, _s, n in after_import["stages"]) == 13
    assert search_index_is_whole()
    assert [c.name for c in customer_list(user=org.ma, search="导入客户7")] == ["导入客户7有限公司"]
    # and the triggers follow the next ordinary write (the pause ended with the import)
    make_customer(org.ra1, stage="closed")
    assert kept() == rebuilt()
    assert sum(n for _o, _s, n in kept()["stages"]) == 14
    assert search_index_is_whole()
    assert Customer.objects.count() == 14


def test_the_pause_is_undone_with_a_failed_batch(org):
    # given a pause whose work fails inside a transaction
    from django.db import transaction

    from huike.reports import paused

    with transaction.atomic():
        with pytest.raises(RuntimeError):
            with paused.paused(connection):
                raise RuntimeError("boom")
        # when a customer is then written in the same transaction
        make_customer(org.ra1, first_contact_at=dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc))
    # then its triggers ran: the kept tables equal a rebuild
    assert sum(n for _o, _s, n in kept()["stages"]) == 1
    assert kept() == rebuilt()


@pytest.mark.django_db(transaction=True)
def test_pausing_outside_a_transaction_is_refused():
    # (the pause must end in the transaction that catches up; autocommit would leave it on)
    from huike.reports import paused

    with pytest.raises(RuntimeError):
        with paused.paused(connection):
            pass
