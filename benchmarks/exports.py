"""Customer export at scale (R-11.2): rows/s and peak memory of csv and xlsx, against a bare SELECT.

    .venv/bin/python benchmarks/exports.py --db sqlite --customers 100000
    .venv/bin/python benchmarks/exports.py --db postgres --customers 100000

Loads customers with the demo generator (no orders or follow-ups: the export reads customers and tags)
unless --data-dir already holds them, then times, as the admin with every default field:
  baseline      the bare SELECT of the same rows and columns (cursor, fetchmany)
  csv stream    the streamed csv of a direct download (cells, neutralising, BOM)
  xlsx          the write-only workbook of a direct download
  csv zip/xlsx zip  the worker's background export: file, zip, notification
Peak memory is Python's traced peak (tracemalloc) in a second, traced run of each case.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import configure, fast_passwords  # noqa: E402


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Customer export throughput and memory")
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--customers", type=int, default=100_000)
    p.add_argument("--repeats", type=int, default=3, help="timed runs per case (the median is reported)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=5000)
    p.add_argument("--data-dir", help="SQLite: reuse the database in this directory if it is loaded")
    p.add_argument("--cases", help="comma-separated case names to run (default: all), e.g. 'baseline SELECT,csv stream'")
    return p.parse_args(argv)


def load_customers(args, where: str) -> None:
    from generate import load

    ns = argparse.Namespace(customers=args.customers, orders_per_customer=0.0, followups_per_customer=0.0,
                            contracts_per_customer=0.0, seed=args.seed, batch_size=args.batch_size)
    print(f"Loading {args.customers:,} customers on {where} …", flush=True)
    _cast, stats = load(ns, quiet=True)
    print(f"generated {stats.counts.get('customers', 0):,} customers in {stats.seconds:.1f} s", flush=True)


def cases(admin):
    from django.db import connection

    from huike.dataio import cells, exports
    from huike.dataio.models import Export

    def export(fmt: str) -> Export:
        return Export.objects.create(user=admin, format=fmt, fields=list(cells.DEFAULT_FIELDS), filters={},
                                     background=True)

    def baseline() -> int:
        qs = exports.customer_query(export("csv")).prefetch_related(None).values_list(
            "pk", *cells.db_columns(cells.DEFAULT_FIELDS))
        sql, params = qs.query.sql_with_params()
        n = 0
        with connection.cursor() as cur:
            cur.execute(sql, params)
            while batch := cur.fetchmany(2000):
                n += len(batch)
        return n

    def csv_stream() -> int:
        return sum(chunk.count(b"\n") for chunk in exports.csv_chunks(export("csv"))) - 1

    def xlsx() -> int:
        with tempfile.TemporaryFile() as f:
            exports.write_xlsx(export("xlsx"), f)
        return Export.objects.last().rows or 0

    def background(fmt: str):
        def run() -> int:
            e = exports.export_build(export(fmt).pk)
            os.unlink(Path(os.environ["HUIKE_DATA_DIR"]) / e.file)
            return e.rows
        return run

    return [("baseline SELECT", baseline), ("csv stream", csv_stream), ("xlsx write-only", xlsx),
            ("csv zip (worker)", background("csv")), ("xlsx zip (worker)", background("xlsx"))]


def measure(args) -> list[dict]:
    from huike.accounts.models import User
    from huike.customers.models import Customer
    from huike.dataio.models import Export

    admin = User.objects.filter(role="admin").first()
    total = Customer.objects.filter(deleted_at__isnull=True).count()
    Export.objects.update(rows=total)
    from django.urls import reverse

    reverse("dataio:export_download", args=[1])  # import every URL module now, not in the middle of a case
    wanted = set(args.cases.split(",")) if args.cases else None
    results = []
    for name, fn in cases(admin):
        if wanted and name not in wanted:
            continue
        Export.objects.update(rows=total)  # the worker reads rows from the row export_start counted
        seconds = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            fn()
            seconds.append(time.perf_counter() - t)
        tracemalloc.start()
        fn()
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        median = statistics.median(seconds)
        results.append({"case": name, "seconds": median, "rows_s": total / median, "peak_mib": peak / 2**20})
        print(f"  {name}: {median:.2f} s, {total / median:,.0f} rows/s, traced peak {peak / 2**20:.1f} MiB",
              flush=True)
    base = results[0]["seconds"]
    for r in results:
        r["ratio"] = r["seconds"] / base
    return results, total


def main() -> None:
    args = parse()
    where = configure(args.db, args.data_dir)
    fast_passwords()
    from huike.customers.models import Customer

    if not Customer.objects.exists():
        load_customers(args, where)
    from django.db import connection

    with connection.cursor() as c:
        c.execute("ANALYZE")
    from huike.dataio.cells import DEFAULT_FIELDS

    rows, total = measure(args)
    print(f"\n{where}: export of {total:,} customers, {len(DEFAULT_FIELDS)} fields, "
          f"median of {args.repeats} runs\n")
    print("| case | seconds | rows/s | × baseline | peak traced MiB |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['case']} | {r['seconds']:.2f} | {r['rows_s']:,.0f} | {r['ratio']:.1f} | {r['peak_mib']:.1f} |")


if __name__ == "__main__":
    main()
