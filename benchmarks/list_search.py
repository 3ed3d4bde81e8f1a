"""Customer list and search latency at scale, through the real stack (Django test Client).

    .venv/bin/python benchmarks/list_search.py --db sqlite --customers 100000
    .venv/bin/python benchmarks/list_search.py --db postgres --customers 100000

Loads the data with the demo generator (10 orders and 10 follow-ups per customer)
unless --data-dir already holds it, then times each case over --requests requests
as the admin and as a rep, with a trivial authenticated request as the baseline.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import configure, fast_passwords  # noqa: E402

TARGETS_MS = {"list": 50, "search": 100, "filter+sort": 50}


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Customer list/search latency")
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--customers", type=int, default=100_000)
    p.add_argument("--orders-per-customer", type=float, default=10.0)
    p.add_argument("--followups-per-customer", type=float, default=10.0)
    p.add_argument("--contracts-per-customer", type=float, default=1.0)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=2000)
    p.add_argument("--data-dir", help="SQLite: reuse the database in this directory if it is loaded")
    return p.parse_args(argv)


def cases(sample) -> list[tuple[str, str, str]]:
    """(group, name, path) — page and API variants of the list, three searches and filter+sort."""
    name_part, phone_part, code = sample
    out = []
    for where, base, q, sort in (("page", "/customers/", "q", "sort=name"),
                                 ("api", "/api/v1/customers/", "search", "ordering=name")):
        size = "" if where == "page" else "page_size=50&"
        out += [
            ("list", f"{where} list", f"{base}?{size}"),
            ("search", f"{where} search name", f"{base}?{size}{q}={name_part}"),
            ("search", f"{where} search phone", f"{base}?{size}{q}={phone_part}"),
            ("search", f"{where} search code", f"{base}?{size}{q}={code}"),
            ("filter+sort", f"{where} 2 filters + sort", f"{base}?{size}stage=intent&industry=manufacturing&{sort}"),
        ]
    return out


def timed(client, path: str, n: int) -> list[float]:
    samples = []
    for _ in range(3):  # warm-up: connection, caches, templates
        assert client.get(path).status_code == 200, path
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def measure(args) -> list[dict]:
    from django.test import Client

    from huike.accounts.models import User
    from huike.customers.models import Customer

    sample = Customer.objects.filter(owner__username="rep1").order_by("id").values("name", "phone", "code")[7]
    name_part = sample["name"][2:5] if len(sample["name"]) > 5 else sample["name"][:2]
    probes = (name_part, sample["phone"][-8:-3], sample["code"])
    rows = []
    for username in ("admin", "rep1"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        base = timed(client, "/api/v1/me/", args.requests)
        b_med = statistics.median(base)
        rows.append({"user": username, "case": "baseline GET /api/v1/me/", "group": "baseline",
                     "median": b_med, "p95": p95(base), "ratio": 1.0})
        for group, name, path in cases(probes):
            s = timed(client, path, args.requests)
            rows.append({"user": username, "case": name, "group": group, "median": statistics.median(s),
                         "p95": p95(s), "ratio": statistics.median(s) / b_med, "path": path})
    return rows


def report(rows: list[dict], args, where: str) -> None:
    print(f"\n{where}, {args.customers:,} customers, {args.requests} requests per case\n")
    print("| user | case | median ms | p95 ms | × baseline | target p95 |")
    print("|---|---|---:|---:|---:|---|")
    for r in rows:
        target = TARGETS_MS.get(r["group"])
        verdict = "" if target is None else (f"< {target} ✅" if r["p95"] < target else f"< {target} ❌")
        print(f"| {r['user']} | {r['case']} | {r['median']:.1f} | {r['p95']:.1f} | {r['ratio']:.1f} | {verdict} |")


def main() -> None:
    args = parse()
    where = configure(args.db, args.data_dir)
    fast_passwords()
    from huike.customers.models import Customer

    if not Customer.objects.exists():
        from generate import load

        print(f"Loading {args.customers:,} customers on {where} …", flush=True)
        _cast, stats = load(args)
        print("generated: " + ", ".join(f"{k} {v:,}" for k, v in stats.counts.items())
              + f" in {stats.seconds:.1f} s ({stats.rows / stats.seconds:,.0f} rows/s)", flush=True)
    from django.db import connection

    with connection.cursor() as c:
        # after a bulk load autovacuum would vacuum (visibility map: index-only scans) and analyze
        c.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    report(measure(args), args, where)


if __name__ == "__main__":
    main()
