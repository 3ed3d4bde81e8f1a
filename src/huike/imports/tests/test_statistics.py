"""PostgreSQL's estimates are refreshed while an import grows the customers table from (nearly) empty."""
import pytest
from django.db import connection

from huike.imports import customer_rows
from huike.imports.customer_rows import analyze_due
from huike.imports.tests.helpers import csv_bytes, customer_row, run_import


def test_an_analyze_is_due_once_a_run_has_written_as_many_customers_as_the_table_held():
    # given a table estimated at 10,000 customers and a minimum of 1,000
    # then 9,999 written are not enough, 10,000 are
    assert (analyze_due(10_000, 9_999, 1_000), analyze_due(10_000, 10_000, 1_000)) == (False, True)
    # and an empty table waits for the minimum
    assert (analyze_due(0, 999, 1_000), analyze_due(0, 1_000, 1_000)) == (False, True)


class _Recorded(customer_rows.Statistics):
    """The run's statistics without a database: the table sizes at which it would analyze."""

    def __init__(self, known: int):
        self.on, self.known, self.written, self.ran = True, known, 0, []

    def _analyze(self) -> bool:
        self.ran.append(self.known + self.written)
        return True


def test_from_an_empty_table_the_analyses_come_at_each_doubling():
    # given an empty table and batches of 1,000 new customers
    stats = _Recorded(known=0)
    # when 16 batches are written
    due = [stats.after(1_000) for _ in range(16)]
    # then the table was analyzed at 1, 2, 4, 8 and 16 thousand customers
    assert stats.ran == [1_000, 2_000, 4_000, 8_000, 16_000]
    assert [i + 1 for i, d in enumerate(due) if d] == [1, 2, 4, 8, 16]


def test_a_large_table_is_not_analyzed_by_an_import_smaller_than_itself():
    # given a table of a million customers
    stats = _Recorded(known=1_000_000)
    # when 100 batches of 5,000 are written
    due = [stats.after(5_000) for _ in range(100)]
    # then nothing was analyzed
    assert (stats.ran, any(due)) == ([], False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL plans from these statistics")
def test_on_postgresql_an_import_into_an_empty_table_leaves_estimates_of_its_rows(org, monkeypatch):
    # given an empty customers table and a minimum of 2 customers
    monkeypatch.setattr(customer_rows.Statistics, "MIN_ROWS", 2)
    # when 8 customers are imported in batches of 2
    job = run_import(org.ra1, "c.csv", csv_bytes([customer_row(i) for i in range(8)]), batch_size=2)
    # then the planner's estimate of the customers (and of their facts) is the 8 rows
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname IN "
                       "('customers_customer', 'reports_customerfact') ORDER BY relname")
        assert (job.created, cursor.fetchall()) == (8, [("customers_customer", 8.0), ("reports_customerfact", 8.0)])


def test_on_sqlite_nothing_is_analyzed(org):
    # given the statistics of a run on SQLite
    if connection.vendor != "sqlite":
        pytest.skip("about SQLite only: on PostgreSQL the re-analysis is the test above")
    stats = customer_rows.Statistics()
    # when a large batch is reported
    # then nothing runs
    assert stats.after(1_000_000) is False
