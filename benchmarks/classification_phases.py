"""Where a classification run's time goes (issue 3): the features, the rules and each part of the writer,
with every SQL statement over half a second printed, on a database the classification benchmark kept.

    HUIKE_BENCH_PG_URL=postgres://postgres@127.0.0.1:PORT/postgres \\
        .venv/bin/python benchmarks/classification_phases.py [--reset] 2026-09-30 2026-10-31 2026-10-31

--reset first puts every customer back to unclassified (as `classification.py --reuse` does). Each date is
one run as of that date, committed (so the next date sees it), or rolled back with --rollback.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import configure  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    p.add_argument("--data-dir", help="SQLite: the data directory holding the loaded database")
    p.add_argument("--reset", action="store_true")
    p.add_argument("--rollback", action="store_true", help="roll each run back instead of committing it, so the "
                   "same run can be timed again (before / after a change) on the same data")
    p.add_argument("dates", nargs="+", type=dt.date.fromisoformat)
    args = p.parse_args()
    configure(args.db, args.data_dir)
    from django.db import connection, transaction

    import classification as bench
    from huike.classification import engine, features_sql, writer
    from huike.classification.services import current_threshold_set

    spent = collections.Counter()

    def slow(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            if took > 0.5:
                print(f"   sql {took:6.1f} s  {' '.join(sql.split())[:140]}", flush=True)

    def timed(owner, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def wrapper(*a, **k):
            started = time.perf_counter()
            try:
                return inner(*a, **k)
            finally:
                spent[label] += time.perf_counter() - started
        setattr(owner, name, wrapper)

    for owner, name, label in [(writer, "_chunk", "chunk rows built"), (writer._Rows, "send", "rows formatted"),
                               (writer._Rows, "__exit__", "waiting for the worker's last rows and statements"),
                               (writer, "_supersede_pending", "superseded approvals")]:
        timed(owner, name, label)

    class TimedQueue(writer.queue.Queue):
        """The chunks' rows queue: the time the run waited for a free slot (the server still busy with the
        chunks before) is counted apart from the formatting around it."""

        def put(self, item, *a, **k):
            started = time.perf_counter()
            try:
                return super().put(item, *a, **k)
            finally:
                spent["  of which waiting for a free slot"] += time.perf_counter() - started
    writer.queue = type("queue", (), {"Queue": TimedQueue})
    if args.reset:
        bench.reset()
    thresholds_id, thresholds = current_threshold_set()
    for as_of in args.dates:
        spent.clear()
        print(f"== run as of {as_of}", flush=True)
        began = time.perf_counter()
        with connection.execute_wrapper(slow), transaction.atomic():
            t = time.perf_counter()
            snap = features_sql.load(as_of, thresholds)
            print(f"features: {time.perf_counter() - t:.1f} s", flush=True)
            t = time.perf_counter()
            res = engine.compute(snap, thresholds, as_of)
            print(f"rules: {time.perf_counter() - t:.1f} s", flush=True)
            t = time.perf_counter()
            counts = writer.apply(snap=snap, res=res, run_id=None, as_of=as_of, t=thresholds,
                                  thresholds_id=thresholds_id)
            print(f"write: {time.perf_counter() - t:.1f} s", flush=True)
            for label, seconds in spent.items():
                print(f"   {label}: {seconds:.1f} s")
            print(counts)
            t = time.perf_counter()
            if args.rollback:
                transaction.set_rollback(True)
        print(f"commit: {time.perf_counter() - t:.1f} s; total {time.perf_counter() - began:.1f} s", flush=True)


if __name__ == "__main__":
    main()
