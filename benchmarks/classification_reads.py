"""What the reads pay for the classification run's in-place writes (ADR 0024), on a kept database: the
customer list filtered by a code (count and first page) and the health report, as migrated and with the
indexes that customers migration 0012 and reports migration 0010 dropped (recreated in a rolled-back
transaction), then as migrated again. PostgreSQL only.

    HUIKE_BENCH_PG_URL=postgres://huike@127.0.0.1:PORT/DB .venv/bin/python benchmarks/classification_reads.py
"""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import configure  # noqa: E402

CASES = [("value_tier", "high"), ("value_class", "strategic"), ("relationship_type", "strategic"),
         ("relationship_type", "churn_risk")]
DROPPED = [
    *(f"CREATE INDEX bench_{c} ON customers_customer ({c}, created_at DESC)"
      for c in ("value_tier", "value_class", "relationship_type")),
    "CREATE INDEX bench_fact_health ON reports_customerfact (owner_id) INCLUDE (created_at, stage, "
    "stage_changed_at, value_tier, lost_reason) WHERE deleted_at IS NULL",
    "DROP INDEX reports_fact_lost",
    "CREATE INDEX reports_fact_lost ON reports_customerfact (stage_changed_at) INCLUDE (owner_id, created_at, "
    "value_tier, lost_reason) WHERE stage = 'lost' AND deleted_at IS NULL",
    "ANALYZE customers_customer", "ANALYZE reports_customerfact",
]


def median_ms(fn, n: int = 5) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    configure("postgres")
    from django.db import connection, transaction

    from huike.accounts.models import User
    from huike.customers.selectors import customer_list, for_rows
    from huike.reports.filters import ReportFilters
    from huike.reports.selectors import activity

    admin = User(username="bench-admin", role="admin", is_active=True)  # unsaved: the scope reads its role only
    rep = User.objects.filter(role="rep").order_by("pk").first()
    year = ReportFilters(period_start=dt.date(2025, 11, 1), period_end=dt.date(2026, 10, 31))

    def measure(label: str) -> None:
        for user, who in ((admin, "admin"), (rep, "rep")):
            for field, value in CASES:
                qs = for_rows(customer_list(user=user, filters={field: value}))
                took = median_ms(lambda: (qs.count(), list(qs[:25])))
                print(f"{label:>14}  {who:5}  list {field}={value:<11} {qs.count():>9,}  {took:7.1f} ms")
            took = median_ms(lambda: activity.health(user=user, filters=year))
            print(f"{label:>14}  {who:5}  health report, one year              {took:7.1f} ms")

    measure("as migrated")
    with transaction.atomic():
        with connection.cursor() as cur:
            for sql in DROPPED:
                cur.execute(sql)
        measure("with indexes")
        transaction.set_rollback(True)
    measure("as migrated")


if __name__ == "__main__":
    main()
