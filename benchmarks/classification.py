"""Classification at scale (issue 3): full run vs a plain-SQL floor and vs the naive per-customer ORM.

    .venv/bin/python benchmarks/classification.py --db postgres --customers 1000000 --orders 10000000
    .venv/bin/python benchmarks/classification.py --db sqlite   --customers 1000000 --orders 10000000

Prints: load time; the floor (one SQL statement summing order amounts per customer, median of 3);
three full runs' wall time and peak memory (each a child process: `huike classify`) and their ratio to
the floor: the first (a month before the as-of date: every customer gets its first results), the monthly
run a month later (the windows moved), the same date again (nothing changed); the naive per-customer ORM
approach measured on 10,000 customers and scaled to N, twice: reading and applying the rules only (the
baseline of the earlier rounds), then also writing what a run writes (codes, result, history); one customer's
reclassification (median and p95 of 50). On PostgreSQL, last: the least a first run can take on this machine
(least_first_run), as a multiple of the floor.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import ROOT, configure, fast_passwords  # noqa: E402


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def floor_sum() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT customer_id, SUM(amount) FROM transactions_order WHERE date <= %s GROUP BY customer_id",
                    ["2026-10-31"])
        n = 0
        while rows := cur.fetchmany(50_000):
            n += len(rows)
    return n


def naive(customer_ids: list[int], as_of, write: bool = False) -> None:
    """What a first version would do: ORM aggregates per customer and window, then the rules. With `write`, it
    also stores what a run stores, a customer at a time: the codes on the customer (the tier from the last
    run's cut points, as a one-customer reclassification does), the result with its evidence and RFM inputs,
    and the history row with its evidence. Each write commits on its own, as the ORM does outside a transaction (the read-only
    version's save too); what the writing version stored stays (a later --reuse resets it)."""
    from django.db.models import Count, Max, Min, Sum

    from huike.classification.domain.features import Features
    from huike.classification.domain.rules import TierCuts, relationship_type, value_class, value_tier_single
    from huike.classification.domain.thresholds import Thresholds
    from huike.classification.domain.windows import months_before
    from huike.classification.models import Change, Result, Run
    from huike.customers.models import Customer
    from huike.service.models import Complaint
    from huike.transactions.models import Contract, Order

    t = Thresholds()
    run = Run.objects.filter(status="done").order_by("-id").first()
    cuts = TierCuts(**run.model["tier_cuts"]) if run and run.model.get("tier_cuts") else TierCuts(None, None, 0)

    def fen(v):
        return int(round((v or 0) * 100))

    for cid in customer_ids:
        c = Customer.objects.get(pk=cid)
        orders = Order.objects.filter(customer_id=cid, date__lte=as_of)
        a12 = orders.filter(date__gt=months_before(as_of, 12)).aggregate(s=Sum("amount"), n=Count("id"))
        a6 = orders.filter(date__gt=months_before(as_of, 6)).aggregate(s=Sum("amount"), n=Count("id"))
        a3 = orders.filter(date__gt=months_before(as_of, 3)).aggregate(s=Sum("amount"))
        b3 = orders.filter(date__gt=months_before(as_of, 6),
                           date__lte=months_before(as_of, 3)).aggregate(s=Sum("amount"))
        p6 = orders.filter(date__gt=months_before(as_of, 12), date__lte=months_before(as_of, 6)).count()
        ever = orders.aggregate(n=Count("id"), last=Max("date"), first=Min("date"))
        complaints = Complaint.objects.filter(customer_id=cid).count()
        latest = list(Contract.objects.filter(customer_id=cid, end_date__lte=as_of).order_by("-end_date")[:2])
        f = Features(amt_annual=fen(a12["s"]), cnt_annual=a12["n"], amt_class=fen(a12["s"]),
                     amt_tier=fen(a6["s"]), amt_recent=fen(a3["s"]), amt_before_recent=fen(b3["s"]),
                     cnt_growth=a6["n"], cnt_growth_prev=p6, orders_ever=ever["n"],
                     last_order=ever["last"].toordinal() if ever["last"] else 0, complaints_annual=complaints,
                     nonrenewed_streak=sum(1 for k in latest if k.renewal_status == "not_renewed"),
                     core_business=c.core_business, proactive=c.proactive_collaboration, new_demand=c.new_demand)
        rel = relationship_type(f, t, as_of)
        klass = value_class(f.amt_class, t)
        if not write:
            c.save(update_fields=["updated_at"])
            continue
        before = (c.value_tier, c.value_class, c.relationship_type)
        c.value_tier, c.value_class, c.relationship_type = value_tier_single(f.amt_tier, cuts), klass, rel.value
        c.save(update_fields=["value_tier", "value_class", "relationship_type", "updated_at"])
        Result.objects.update_or_create(customer=c, defaults={
            **f.__dict__, "value_tier": c.value_tier, "value_class": klass, "relationship_type": rel.value,
            "classified_on": as_of, "hash": hash((c.value_tier, klass, rel.value)) & 0x7FFFFFFF})
        Change.objects.create(customer=c, as_of=as_of, value_tier_from=before[0], value_tier_to=c.value_tier,
                              value_class_from=before[1], value_class_to=klass,
                              relationship_type_from=before[2], relationship_type_to=rel.value, threshold_set=0,
                              **f.__dict__)


def least_first_run(as_of) -> tuple[float, float, float, dict[str, int]]:
    """PostgreSQL: what no first run as of `as_of` can avoid on this machine. Reading the features (the run's
    own statements), the rules, and a bare binary COPY of a result row per customer (the stored ones) and of
    the first run's history rows into their emptied tables: no Python between, no customer codes, report facts
    or tasks, no foreign-key checks (rolled back before the commit that would check them). Returns the seconds
    of each and the rows copied per table."""
    from django.db import connection, transaction

    from huike.classification import engine, features_sql
    from huike.classification.models import Change, Result
    from huike.classification.services import current_threshold_set

    _, thresholds = current_threshold_set()
    t = time.perf_counter()
    snap = features_sql.load(as_of, thresholds)
    features = time.perf_counter() - t
    t = time.perf_counter()
    engine.compute(snap, thresholds, as_of)
    rules = time.perf_counter() - t
    dumps, rows = {}, {}
    with connection.cursor() as cur:
        for model in (Result, Change):
            table = model._meta.db_table
            # the history's id is generated on insert, as the run's rows get theirs
            cols = ", ".join(f.column for f in model._meta.concrete_fields if model is Result or not f.primary_key)
            where, params = (" WHERE as_of = %s", [as_of]) if model is Change else ("", [])
            cur.execute(f"SELECT COUNT(*) FROM {table}{where}", params)
            rows[table] = cur.fetchone()[0]
            with cur.cursor.copy(f"COPY (SELECT {cols} FROM {table}{where}) TO STDOUT (FORMAT binary)",
                                 params) as copy:
                dumps[table] = (cols, b"".join(bytes(block) for block in copy))
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(dumps)}")
        t = time.perf_counter()
        for table, (cols, data) in dumps.items():
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT binary)") as copy:
                for start in range(0, len(data), 1 << 20):
                    copy.write(data[start:start + (1 << 20)])
        writes = time.perf_counter() - t
        transaction.set_rollback(True)
    return features, rules, writes, rows


def child_run(as_of: str) -> tuple[float, float]:
    """`huike classify` in a child process: wall seconds and that child's own peak RSS in MiB."""
    probe = ("import resource, sys; from huike.manage import main; sys.argv = ['huike', 'classify', '--as-of', "
             f"'{as_of}']\ntry:\n    main()\nfinally:\n    print('peak-kib', "
             "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    t = time.perf_counter()
    done = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", probe], check=True, env=os.environ.copy(),
                          stdout=sys.stdout, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak-kib"))
    return wall, peak / 1024


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--customers", type=int, default=100_000)
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--naive-sample", type=int, default=10_000)
    p.add_argument("--reuse", action="store_true",
                   help="the database (HUIKE_BENCH_PG_URL, or SQLite's --data-dir) already holds the data set: "
                        "skip the load")
    p.add_argument("--load-only", action="store_true", help="load the data set and stop (for --reuse later)")
    p.add_argument("--data-dir", help="SQLite: keep the database in this directory (with --reuse: the one kept)")
    args = p.parse_args()
    where = configure(args.db, args.data_dir)
    fast_passwords()
    print(f"== classification benchmark: {args.customers:,} customers, {args.orders:,} orders, {where}")
    if not args.reuse:
        load(args)
    else:
        reset()
    if args.load_only:
        return
    measure(args)


def load(args) -> None:
    import importlib

    import sql_loader
    from django.db import connection, transaction

    from huike.accounts.models import Role, Team, User
    from huike.reports import facts, paused, summary

    team = Team.objects.create(name="基准团队")
    owners = [User.objects.create_user(f"bench{k}", password="x", role=Role.REP, team=team).pk for k in range(20)]
    t0 = time.perf_counter()
    sql_loader.fast_load()
    search_index = importlib.import_module("huike.customers.migrations.0004_list_indexes_and_search")
    # Row triggers (report summaries, SQLite's search index) would fire millions of times during the
    # bulk load: drop them, load, rebuild each in one pass, put the triggers back (as in production).
    facts.drop_triggers(connection)
    summary.drop_triggers(connection)
    order_indexes = []
    with connection.cursor() as cur:
        for sql in search_index.FTS_DROP[:3] if connection.vendor == "sqlite" else []:
            cur.execute(sql)
        if connection.vendor == "sqlite":
            # SQLite: ten million random-order inserts into four B-trees are slow; build them once after.
            cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                        "AND tbl_name = 'transactions_order'")
            order_indexes = cur.fetchall()
            for name, _sql in order_indexes:
                cur.execute(f'DROP INDEX "{name}"')
    with transaction.atomic():
        sql_loader.load_customers(args.customers, owners)
        sql_loader.load_orders(args.orders, args.customers)
        sql_loader.load_contracts(args.customers, args.customers)
        sql_loader.load_complaints(args.customers // 20, args.customers)
    print(f"load: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for _name, sql in order_indexes:
            cur.execute(sql)
    with transaction.atomic():
        summary.rebuild(connection)
        facts.rebuild(connection)
        summary.create_triggers(connection)
        facts.create_triggers(connection)
        with connection.cursor() as cur:
            for sql in paused.search_index_sql() if connection.vendor == "sqlite" else []:
                cur.execute(sql)
    sql_loader.analyze()
    print(f"summaries and search index rebuilt, triggers back, analyze: {time.perf_counter() - t0:.1f} s")


def reset() -> None:
    """A kept database back to unclassified (its last runs and their strategy tasks undone), vacuumed, so the first
    run is a first run and the monthly run creates its tasks."""
    from django.db import connection, transaction

    from huike.reports import facts

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        for table in ("classification_change", "classification_result", "classification_run"):
            cur.execute(f"DELETE FROM {table}")
        # the strategy tasks of earlier runs too: their keys would make the monthly run's tasks "already there"
        cur.execute("DELETE FROM automation_reminder WHERE source = 'strategy'")
        cur.execute("CREATE TEMP TABLE reset_ids AS SELECT id FROM customers_customer "
                    "WHERE value_tier <> '' OR value_class <> '' OR relationship_type <> ''")
        with facts.mirror_paused(connection, "SELECT id FROM reset_ids", ("value_tier",)):
            cur.execute("UPDATE customers_customer SET value_tier = '', value_class = '', relationship_type = '' "
                        "WHERE id IN (SELECT id FROM reset_ids)")
        cur.execute("DROP TABLE reset_ids")
    if connection.vendor == "postgresql":  # Django's connection is in autocommit mode: VACUUM may run
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    print(f"reset to unclassified: {time.perf_counter() - t0:.1f} s")


def measure(args) -> None:
    import datetime as dt

    import sql_loader

    from huike.classification.domain.windows import months_before
    from huike.classification.services import classify_customer

    as_of = sql_loader.AS_OF

    floor, groups = timed(floor_sum, repeat=3)
    print(f"floor (one SQL sum per customer, median of 3): {floor:.2f} s over {groups:,} customers with orders")
    # a first run a month earlier (every customer gets its first results), then the monthly run (the windows
    # moved a month: evidence restated for most customers, codes for few), then the same date again
    month_before = months_before(as_of, 1)
    first, peak = child_run(month_before.isoformat())
    print(f"full run, first ({month_before}, writes every customer): {first:.1f} s, peak {peak:.0f} MiB, "
          f"{first / floor:.1f}× floor")
    monthly, peak2 = child_run(as_of.isoformat())
    print(f"full run, monthly ({as_of}, a month later):      {monthly:.1f} s, peak {peak2:.0f} MiB, "
          f"{monthly / floor:.1f}× floor")
    second, peak3 = child_run(as_of.isoformat())
    print(f"full run, again ({as_of}, nothing changed):     {second:.1f} s, peak {peak3:.0f} MiB, "
          f"{second / floor:.1f}× floor")

    sample = list(range(1, args.customers + 1, max(1, args.customers // args.naive_sample)))[: args.naive_sample]
    for label, write in (("reads and rules only", False), ("also writes what a run writes", True)):
        naive_s, _ = timed(lambda: naive(sample, as_of, write))
        scaled = naive_s * args.customers / len(sample)
        print(f"naive per-customer ORM, {label}: {naive_s:.1f} s for {len(sample):,} → {scaled:,.0f} s scaled to "
              f"{args.customers:,}; the set-based runs are {scaled / first:,.0f}× (first), "
              f"{scaled / monthly:,.0f}× (monthly) and {scaled / second:,.0f}× (again) faster")

    times = []
    for cid in range(7, args.customers, max(1, args.customers // 50))[:50]:
        t = time.perf_counter()
        classify_customer(cid, as_of=as_of + dt.timedelta(days=1))
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"one customer reclassified: median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.1f} ms (n={len(times)})")
    if args.db == "postgres":
        # last: the rows it holds in memory would count in the children's peaks (Linux keeps a process's peak
        # resident size across fork and exec)
        features, rules, writes, rows = least_first_run(month_before)
        least = features + rules + writes
        print(f"least a first run can take here: features {features:.1f} s + rules {rules:.1f} s + bare COPY of "
              f"{' and '.join(f'{n:,} {table}' for table, n in rows.items())} rows {writes:.1f} s = {least:.1f} s, "
              f"{least / floor:.1f}× floor; the first run took {first / least:.1f}× that")


if __name__ == "__main__":
    main()
