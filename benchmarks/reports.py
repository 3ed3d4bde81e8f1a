"""Reports at scale (issue 6): every report for one year and the whole company, through the real stack.

    .venv/bin/python benchmarks/reports.py --db postgres --customers 1000000 --orders 10000000

Loads a book in SQL (benchmarks/sql_loader.py: customers with the fields reports group by, orders,
contracts, complaints, stage moves, follow-ups; here: a satisfaction survey per complaint and one per
twentieth customer), then requests each report page and API endpoint as the
admin with the Django test Client (middleware, session, templates, JSON), N times each, and prints the
median and p95, next to a baseline (/api/v1/me/) measured in the same run. `--hold` keeps the database
up afterwards (prints DATABASE_URL) for query tuning.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import configure, fast_passwords  # noqa: E402

TARGET_REPORT, TARGET_DASHBOARD = 1.0, 0.5


def load(n_customers: int, n_orders: int) -> None:
    import sql_loader
    from django.db import transaction

    from huike.accounts.models import Role, Team, User

    owners = []
    for t in range(4):
        team = Team.objects.create(name=f"基准团队{t}")
        owners += [User.objects.create_user(f"bench{t}_{k}", password="x", role=Role.REP, team=team).pk
                   for k in range(5)]
        User.objects.create_user(f"manager{t}", password="x", role=Role.MANAGER, team=team)
    User.objects.create_user("boss", password="x", role=Role.ADMIN)
    from django.db import connection

    from huike.reports import due, facts, rollup, stages, summary

    # Row triggers would run 14 million times during a bulk load: drop them, load, rebuild in one pass each.
    derived = (summary, facts, stages, rollup, due)
    for module in derived:
        module.drop_triggers(connection)
    t0 = time.perf_counter()
    with transaction.atomic():
        sql_loader.load_customers(n_customers, owners)
        sql_loader.enrich_customers()
        sql_loader.load_stage_changes()
        sql_loader.load_orders(n_orders, n_customers)
        sql_loader.load_contracts(n_customers // 2, n_customers)
        sql_loader.load_complaints(n_customers // 20, n_customers)
        sql_loader.load_followups(n_customers * 2, n_customers)
        load_surveys()
    print(f"load: {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    with transaction.atomic():
        for module in derived:
            module.rebuild(connection)
            module.create_triggers(connection)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"summaries rebuilt, triggers back, vacuum/analyze: {time.perf_counter() - t0:.1f} s", flush=True)


def load_surveys() -> int:
    """Satisfaction surveys (R-8.3) for the service report: one after each complaint, one periodic visit per
    twentieth customer; scores and NPS spread by id, the owner and team recorded as in survey_create."""
    from django.db import connection

    nps = "CASE WHEN {0}.id % 3 = 0 THEN NULL ELSE {0}.id % 11 END"
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO service_satisfactionsurvey (customer_id, complaint_id, score, comment, nps, owner_id, "
            "team_id, created_by_id, created_at) "
            f"SELECT k.customer_id, k.id, 1 + k.id % 5, '', {nps.format('k')}, c.owner_id, u.team_id, c.owner_id, "
            "k.received_at FROM service_complaint k JOIN customers_customer c ON c.id = k.customer_id "
            "JOIN accounts_user u ON u.id = c.owner_id "
            f"UNION ALL SELECT c.id, NULL, 1 + c.id % 5, '', {nps.format('c')}, c.owner_id, u.team_id, c.owner_id, "
            "c.created_at FROM customers_customer c JOIN accounts_user u ON u.id = c.owner_id WHERE c.id % 20 = 0")
        return cur.rowcount


def measure(client, url: str, n: int) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(round(len(times) * 0.95)) - 1)]


def urls(start: str, end: str) -> list[tuple[str, str, float]]:
    period = f"period_start={start}&period_end={end}"
    rows = [("baseline /api/v1/me/", "/api/v1/me/", 0.0), ("dashboard", "/", TARGET_DASHBOARD)]
    for by in ("industry", "province", "intent", "stage", "value_tier", "relationship_type"):
        rows.append((f"api distribution by {by}", f"/api/v1/reports/distribution/?by={by}&{period}", TARGET_REPORT))
    rows += [(f"api sales by {by}", f"/api/v1/reports/sales/?by={by}&{period}", TARGET_REPORT) for by in ("owner", "month")]
    rows.append(("api funnel", f"/api/v1/reports/funnel/?{period}", TARGET_REPORT))
    for name in ("distribution", "sales", "growth", "funnel", "followups", "health", "service"):
        rows.append((f"page {name}", f"/reports/{name}/?{period}", TARGET_REPORT))
    return rows


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--orders", type=int, default=10_000_000)
    p.add_argument("--requests", type=int, default=20)
    p.add_argument("--hold", action="store_true")
    p.add_argument("--reuse", metavar="DATABASE_URL", help="measure a database an earlier --hold run loaded")
    args = p.parse_args()
    if args.reuse:
        import os

        os.environ["DATABASE_URL"] = args.reuse
        os.environ.setdefault("HUIKE_DATA_DIR", "/tmp/huike-bench-reuse")
        os.environ.setdefault("HUIKE_ALLOWED_HOSTS", "testserver")
        os.environ["DJANGO_SETTINGS_MODULE"] = "huike.config.settings"
        import django

        django.setup()
        where = f"PostgreSQL at {args.reuse} (loaded by an earlier --hold run)"
    else:
        where = configure(args.db)
    fast_passwords()
    import datetime as dt
    import os

    import sql_loader
    from django.test import Client

    from huike.accounts.models import User

    print(f"== reports benchmark: {args.customers:,} customers, {args.orders:,} orders, {where}", flush=True)
    if not args.reuse:
        load(args.customers, args.orders)
    else:
        from huike.service.models import SatisfactionSurvey

        if not SatisfactionSurvey.objects.exists():  # a database loaded before surveys existed
            print(f"surveys added: {load_surveys():,}", flush=True)
    if args.hold:
        print(f"DATABASE_URL={os.environ['DATABASE_URL']}", flush=True)
    end = sql_loader.AS_OF
    start = end - dt.timedelta(days=364)
    client = Client()
    client.force_login(User.objects.get(username="boss"))
    results = []
    for label, url, target in urls(start.isoformat(), end.isoformat()):
        if args.hold:
            break  # tuning: the caller measures
        client.get(url)  # warm: the first request pays for imports and the plan cache
        median, p95 = measure(client, url, args.requests)
        results.append((label, median, p95, target))
        print(f"{label:34s} median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms", flush=True)
    base = results[0][2] if results else 1
    print(f"\n{'request':34s} {'median':>9s} {'p95':>9s} {'p95/base':>9s} target")
    for label, median, p95, target in results:
        verdict = "" if not target else ("ok" if p95 < target else "MISSED")
        print(f"{label:34s} {median * 1000:7.1f}ms {p95 * 1000:7.1f}ms {p95 / base:8.1f}× "
              f"{'' if not target else f'< {target * 1000:.0f} ms {verdict}'}")
    if args.hold:
        print("holding the database; kill this process to drop it", flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
