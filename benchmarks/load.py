"""Load test: locust (headless) against `huike serve` on SQLite or PostgreSQL (issue 7).

    .venv/bin/python benchmarks/load.py --db sqlite                       # 30 s smoke at 100,000 customers
    .venv/bin/python benchmarks/load.py --db postgres --duration 5m       # the real figures
    .venv/bin/python benchmarks/load.py --customers 5000 --data-dir /tmp/l  # small, reusable data set
    HUIKE_BENCH_PG_URL=postgres://postgres@127.0.0.1:PORT/postgres \
        .venv/bin/python benchmarks/load.py --db postgres --duration 5m --data-dir /tmp/p  # a kept server

50 users, 5 reads to 1 write (benchmarks/locustfile.py). Prints failures, "database is locked" lines in the
server's log, p50/p95 of reads and writes; targets: no failure, no lock error, p95 reads < 300 ms, writes < 500 ms.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import ROOT, configure, fast_passwords  # noqa: E402

VENV_BIN = Path(sys.executable).parent


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--customers", type=int, default=100_000)
    p.add_argument("--orders-per-customer", type=float, default=10.0)
    p.add_argument("--followups-per-customer", type=float, default=10.0)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--spawn-rate", type=float, default=10)
    p.add_argument("--duration", default="30s", help="locust run time, e.g. 30s or 5m")
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers of `huike serve`")
    p.add_argument("--data-dir", help="keep (and reuse) the SQLite data set here")
    return p.parse_args(argv)


def ensure_data(args) -> None:
    from huike.customers.models import Customer

    have = Customer.objects.count()
    if have >= args.customers:
        print(f"reusing {have:,} customers", flush=True)
        return
    import generate

    print(f"generating {args.customers:,} customers …", flush=True)
    generate.load(argparse.Namespace(customers=args.customers, seed=1, orders_per_customer=args.orders_per_customer,
                                     followups_per_customer=args.followups_per_customer, contracts_per_customer=1.0,
                                     batch_size=2000), quiet=True)


def write_plan(path: Path) -> int:
    """Every rep's API token and up to 500 of its customer ids, for the locust users."""
    from rest_framework.authtoken.models import Token

    from huike.accounts.models import Role, User
    from huike.customers.models import Customer

    reps = []
    for user in User.objects.filter(role=Role.REP, is_active=True).order_by("pk"):
        ids = list(Customer.objects.filter(owner=user, deleted_at__isnull=True).values_list("pk", flat=True)[:500])
        if ids:
            reps.append({"token": Token.objects.get_or_create(user=user)[0].key, "customers": ids})
    path.write_text(json.dumps({"reps": reps}), encoding="utf-8")
    return len(reps)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "HUIKE_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([str(VENV_BIN / "huike"), "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                sys.exit(f"huike serve exited: see {log}")
            time.sleep(0.5)
    stop_server(proc)
    sys.exit("huike serve did not answer within 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)  # serve supervises gunicorn and the worker in its own session
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def warm_up(port: int, plan: Path, workers: int) -> float:
    """A few requests per worker before the clock starts (each opens its database connection once), then the
    baseline of this run: the median of 40 sequential GET /api/v1/me/ by one client on the idle server."""
    import statistics
    import urllib.request

    seat = json.loads(plan.read_text(encoding="utf-8"))["reps"][0]

    def get(path: str) -> float:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                         headers={"Authorization": f"Token {seat['token']}"})
        started = time.perf_counter()
        urllib.request.urlopen(request, timeout=60).read()
        return (time.perf_counter() - started) * 1000

    for i in range(workers * 5):
        get("/api/v1/customers/" if i % 2 else f"/api/v1/customers/{seat['customers'][0]}/")
    return statistics.median(get("/api/v1/me/") for _ in range(40))


def run_locust(args, port: int, plan: Path, prefix: Path) -> None:
    env = {**os.environ, "HUIKE_LOAD_PLAN": str(plan)}
    subprocess.run([str(VENV_BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless",
                    "-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.duration, "--host",
                    f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
                    "--logfile", f"{prefix}.log"], env=env, check=False)


def report(prefix: Path, log: Path, where: str, args, baseline: float) -> None:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
    locked = log.read_text(errors="replace").count("database is locked")
    print(f"\n{where}, {args.customers:,} customers, {args.users} users, {args.duration}")
    print(f"baseline: GET /api/v1/me/ by one client on the idle server, median {baseline:.1f} ms\n")
    print("| requests | count | failures | p50 ms | p95 ms | p99 ms | p95 / baseline | req/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} | "
              f"{row['99%']} | {float(row['95%']) / baseline:.0f}× | {float(row['Requests/s']):.1f} |")
    print(f"\n\"database is locked\" in the server log: {locked}")
    for kind, limit in (("read", 300), ("write", 500)):
        named = [r for r in rows if r["Name"].startswith(kind)]
        done = [r for r in named if int(r["Request Count"]) > 0]
        if not done:
            print(f"{kind}s: no request finished within the run (server saturated?): NO DATA")
            continue
        worst = max(float(r["95%"]) for r in done)
        print(f"{kind}s: worst p95 {worst:.0f} ms (target < {limit} ms): {'ok' if worst < limit else 'MISSED'}")


def main() -> None:
    args = parse()
    where = configure(args.db, args.data_dir)
    fast_passwords()
    ensure_data(args)
    data_dir = Path(os.environ["HUIKE_DATA_DIR"])
    plan, log, prefix = data_dir / "load-plan.json", data_dir / "serve.log", data_dir / "locust"
    print(f"{write_plan(plan)} reps with tokens", flush=True)
    from django.db import connections

    connections.close_all()  # the server processes take over the database
    port = free_port()
    server = start_server(port, args.workers, log)
    try:
        baseline = warm_up(port, plan, args.workers)
        run_locust(args, port, plan, prefix)
    finally:
        stop_server(server)
    report(prefix, log, where, args, baseline)


if __name__ == "__main__":
    main()
