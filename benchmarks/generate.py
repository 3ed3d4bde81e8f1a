"""Load N customers with orders, contracts and follow-ups into a throwaway database; print rows/s.

    .venv/bin/python benchmarks/generate.py --customers 100000 --orders-per-customer 10 --db sqlite
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import configure, fast_passwords  # noqa: E402


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--customers", type=int, default=100_000)
    p.add_argument("--orders-per-customer", type=float, default=10.0)
    p.add_argument("--followups-per-customer", type=float, default=10.0)
    p.add_argument("--contracts-per-customer", type=float, default=1.0)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=2000)
    p.add_argument("--data-dir", help="keep the SQLite database here (default: a temporary directory)")
    return p.parse_args(argv)


def load(args: argparse.Namespace, quiet: bool = False):
    from huike.demo.generator import Options, generate

    def progress(stats):
        if not quiet:
            print(f"  {stats.counts.get('customers', 0):>9,} customers  {stats.rows:>11,} rows  "
                  f"{stats.seconds:7.1f} s  {stats.rows / max(stats.seconds, 1e-9):>9,.0f} rows/s", flush=True)

    opts = Options(customers=args.customers, seed=args.seed, orders_per_customer=args.orders_per_customer,
                   followups_per_customer=args.followups_per_customer,
                   contracts_per_customer=args.contracts_per_customer, batch_size=args.batch_size)
    every = max(1, args.customers // args.batch_size // 10)
    calls = {"n": 0}

    def sparse(stats):
        calls["n"] += 1
        if calls["n"] % every == 0:
            progress(stats)

    return generate(opts, progress=sparse)


def main() -> None:
    args = parse()
    where = configure(args.db, args.data_dir)
    fast_passwords()
    print(f"Generating {args.customers:,} customers on {where} …", flush=True)
    _cast, stats = load(args)
    print("\nrows: " + ", ".join(f"{k} {v:,}" for k, v in stats.counts.items()))
    print(f"total {stats.rows:,} rows in {stats.seconds:.1f} s = {stats.rows / stats.seconds:,.0f} rows/s "
          f"({stats.counts.get('customers', 0) / stats.seconds:,.0f} customers/s)")


if __name__ == "__main__":
    main()
