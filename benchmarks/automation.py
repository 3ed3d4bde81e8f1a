"""Automation at scale (issue 4): the scheduled sweep of the built-in rules over N customers.

    .venv/bin/python benchmarks/automation.py --db sqlite   --customers 1000000
    .venv/bin/python benchmarks/automation.py --db postgres --customers 1000000

Loads N customers in SQL (benchmarks/sql_loader.py: owners, intent, stage, next follow-up time spread
over ~3 years), then runs the daily built-in rules for one period the way the worker does
(engine.run_scheduled: the cadence reminders as one INSERT … SELECT … ON CONFLICT DO NOTHING, and the
complaint deadlines), each in a forked child so its peak memory (max RSS) is its own. Prints: the floor
(one COUNT of the due customers, median of 3), the sweep's wall time and peak RSS with the ratio to the
floor, the same for a second sweep of the same period (must create 0), a baseline child's RSS, and the
naive per-customer ORM way measured on a sample and scaled to N.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import configure, fast_passwords  # noqa: E402


def in_child(fn) -> tuple[dict, float]:
    """Run fn() in a forked child with its own DB connection; return its result and max RSS in MiB."""
    from django.db import connections

    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        try:
            out = fn()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            os.write(write, json.dumps({"out": out, "rss": rss}).encode())
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    data = json.loads(b"".join(chunks))
    return data["out"], data["rss"]


def sweep(period: str, now_iso: str) -> dict:
    import datetime as dt

    from huike.automation import engine
    from huike.automation.models import Rule

    now = dt.datetime.fromisoformat(now_iso)
    # A worker is long-lived: load the URL configuration (reverse() imports every app's views) before timing.
    from django.urls import reverse

    reverse("service:detail", args=[1])
    start = time.perf_counter()
    created, seconds = {}, {}
    for rule in Rule.objects.filter(builtin__in=["cadence", "complaint_deadlines"]):
        t = time.perf_counter()
        created[rule.builtin] = engine.run_scheduled(rule, period, now)
        seconds[rule.builtin] = round(time.perf_counter() - t, 2)
    return {"seconds": time.perf_counter() - start, "created": created, "per_rule_s": seconds}


def floor(cutoff) -> tuple[float, int]:
    from django.db import connection

    times, n = [], 0
    for _ in range(3):
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM customers_customer WHERE deleted_at IS NULL AND owner_id IS NOT NULL "
                        "AND next_followup_at IS NOT NULL AND next_followup_at < %s", [cutoff])
            n = cur.fetchone()[0]
        times.append(time.perf_counter() - t)
    return statistics.median(times), n


def naive(sample_ids: list[int], now) -> float:
    """A first version: for each customer, read it, compute the key, get_or_create the reminder."""
    from django.db import transaction

    from huike.automation.builtins import CADENCE_TEXTS
    from huike.automation.models import Reminder
    from huike.customers.models import Customer

    t = time.perf_counter()
    with transaction.atomic():
        for cid in sample_ids:
            c = Customer.objects.only("id", "owner_id", "next_followup_at", "next_followup_reason").get(pk=cid)
            if c.owner_id and c.next_followup_at and c.next_followup_at < now:
                Reminder.objects.get_or_create(key=f"naive:{c.pk}:{c.next_followup_at:%Y-%m-%dT%H:%M}", defaults={
                    "user_id": c.owner_id, "customer_id": c.pk, "due_at": c.next_followup_at, "source": "cadence",
                    "title": CADENCE_TEXTS.get(c.next_followup_reason, "跟进客户")})
        transaction.set_rollback(True)  # measure only; keep the table as the set-based sweeps left it
    return time.perf_counter() - t


def load(n: int) -> None:
    import importlib

    import sql_loader
    from django.db import connection, transaction

    from huike.accounts.models import Role, Team, User
    from huike.reports import facts, summary

    team = Team.objects.create(name="基准团队")
    manager = User.objects.create_user("bench-manager", password="x", role=Role.MANAGER, team=team)
    team.manager = manager
    team.save()
    owners = [User.objects.create_user(f"bench{k}", password="x", role=Role.REP, team=team).pk for k in range(20)]
    sql_loader.fast_load()
    search_index = importlib.import_module("huike.customers.migrations.0004_list_indexes_and_search")
    # Row triggers (report summaries, SQLite's search index) would fire a million times: drop them for the
    # load. The sweep does not touch customers, so the benchmark database does without them.
    facts.drop_triggers(connection)
    summary.drop_triggers(connection)
    with connection.cursor() as cur:
        for sql in search_index.FTS_DROP[:3] if connection.vendor == "sqlite" else []:
            cur.execute(sql)
    with transaction.atomic():
        sql_loader.load_customers(n, owners)
        sql_loader.enrich_customers()
        sql_loader.load_complaints(n // 20, n)
        with connection.cursor() as cur:
            cur.execute("UPDATE customers_customer SET next_followup_reason = 'intent:' || intent")
    sql_loader.analyze()


def main() -> None:
    import datetime as dt

    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--naive-sample", type=int, default=5_000)
    p.add_argument("--reuse", metavar="DIR", help="SQLite only: a data directory a previous run loaded; skip the load")
    args = p.parse_args()
    where = configure(args.db, args.reuse)
    fast_passwords()
    from django.utils import timezone

    from huike.automation.builtins import _day_end_utc

    print(f"== automation sweep benchmark: {args.customers:,} customers, {where}", flush=True)
    t0 = time.perf_counter()
    if not args.reuse:
        load(args.customers)
        print(f"load: {time.perf_counter() - t0:.1f} s", flush=True)
    now = timezone.now()
    period = timezone.localtime(now).date().isoformat()
    floor_s, due = floor(_day_end_utc(period))
    print(f"floor (COUNT of due customers, median of 3): {floor_s:.2f} s — {due:,} follow-ups due by the end of {period}")
    _, base_rss = in_child(lambda: {"ok": 1})
    first, rss1 = in_child(lambda: sweep(period, now.isoformat()))
    print(f"first sweep:  {first['seconds']:.2f} s, peak RSS {rss1:.0f} MiB (baseline child {base_rss:.0f} MiB), "
          f"created {first['created']} in {first['per_rule_s']} s — {first['seconds'] / floor_s:.1f}× the floor")
    second, rss2 = in_child(lambda: sweep(period, now.isoformat()))
    print(f"second sweep (same period): {second['seconds']:.2f} s, peak RSS {rss2:.0f} MiB, created {second['created']} in {second['per_rule_s']} s"
          f" — {second['seconds'] / floor_s:.1f}× the floor")
    assert second["created"]["cadence"] == 0, "a second sweep for the same period must create nothing"
    step = max(1, args.customers // args.naive_sample)
    sample = list(range(1, args.customers + 1, step))[: args.naive_sample]
    naive_s = naive(sample, now)
    scaled = naive_s * args.customers / len(sample)
    print(f"naive per-customer ORM: {naive_s:.2f} s for {len(sample):,} customers → ~{scaled:,.0f} s for "
          f"{args.customers:,}; the set-based sweep is {scaled / first['seconds']:,.0f}× faster")


if __name__ == "__main__":
    main()
