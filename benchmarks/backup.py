"""Backup and restore of the benchmark database: time, file size, peak memory, against the engine's own tools.

    .venv/bin/python benchmarks/backup.py --db sqlite   --customers 1000000 --data-dir /tmp/huike-bench-1m
    .venv/bin/python benchmarks/backup.py --db postgres --customers 1000000

`huike backup` and `huike restore` run as child processes, so each one's peak memory is its own (wait4's
ru_maxrss). The baseline is the same database through the engine's tools in the same run: sqlite3's
`.backup` / `.restore`, or pg_dump -Fc / pg_restore. SQLite with --data-dir reuses a loaded database.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import configure, fast_passwords  # noqa: E402
from generate import load  # noqa: E402

KEY = "benchmark-backup-key-not-secret"


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--orders-per-customer", type=float, default=10.0)
    p.add_argument("--followups-per-customer", type=float, default=10.0)
    p.add_argument("--contracts-per-customer", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=2000)
    p.add_argument("--data-dir", help="SQLite: reuse the database in this directory if it is loaded")
    p.add_argument("--load-only", action="store_true", help="load the book (or find it loaded) and stop")
    p.add_argument("--skip-restore", action="store_true", help="measure the backup (and the baseline) only")
    return p.parse_args(argv)


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Seconds and peak resident MiB of one child process; its output for the record.

    The peak comes from /usr/bin/time around the command: the wait4 figure of a child forked from
    this process counted this process's own memory at the fork (the source database SQLite had mapped
    to count rows), which made every peak look as large as the database."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "peak-kib %M", *cmd], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    lines = proc.stderr.strip().splitlines()
    peak = int(lines.pop().split()[1])
    return seconds, peak / 1024, "\n".join([proc.stdout.strip(), *lines]).strip()


def huike_env(database_url: str | None, data_dir: Path) -> dict:
    env = {**os.environ, "HUIKE_DATA_DIR": str(data_dir), "HUIKE_BACKUP_KEY": KEY,
           "DJANGO_SETTINGS_MODULE": "huike.config.settings"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def huike(*args: str) -> list[str]:
    return [sys.executable, "-m", "huike.manage", *args]


def empty_target(db: str, work: Path) -> tuple[str | None, Path]:
    """A new, migrated, empty database beside the source (a new SQLite file, or a new PostgreSQL database)."""
    data_dir = work / f"restored-{uuid.uuid4().hex[:6]}"
    url = None
    if db == "postgres":
        import psycopg

        name = f"restore_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    run(huike("migrate", "--noinput"), env=huike_env(url, data_dir))
    return url, data_dir


def baseline(db: str, work: Path) -> dict:
    from django.conf import settings

    if db == "sqlite":
        source, copy = settings.DATABASES["default"]["NAME"], work / "baseline.sqlite3"
        t_dump, mem_dump, _ = run(["sqlite3", source, f".backup '{copy}'"])
        restored = work / "baseline-restored.sqlite3"
        t_load, mem_load, _ = run(["sqlite3", str(restored), f".restore '{copy}'"])
        return {"tool": "sqlite3 .backup / .restore", "dump": t_dump, "load": t_load, "size": copy.stat().st_size,
                "dump_mem": mem_dump, "load_mem": mem_load}
    url, dumpfile = os.environ["DATABASE_URL"], work / "baseline.pgdump"
    t_dump, mem_dump, _ = run(["pg_dump", "-Fc", "-f", str(dumpfile), url])
    import psycopg

    name = f"baseline_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    t_load, mem_load, _ = run(["pg_restore", "-d", url.rsplit("/", 1)[0] + f"/{name}", str(dumpfile)])
    return {"tool": "pg_dump -Fc / pg_restore", "dump": t_dump, "load": t_load, "size": dumpfile.stat().st_size,
            "dump_mem": mem_dump, "load_mem": mem_load}


SQL_LOAD_FROM = 50_000  # above this many customers the book is loaded in SQL (sql_loader), not via the ORM


def ensure_data(args) -> None:
    from huike.customers.models import Customer

    have = Customer.objects.count()
    if have >= args.customers:
        print(f"reusing {have:,} customers", flush=True)
        return
    fast_passwords()
    started = time.perf_counter()
    if args.customers >= SQL_LOAD_FROM:
        print(f"loading {args.customers:,} customers in SQL (sql_loader, as benchmarks/reports.py) …", flush=True)
        sql_load(args)
    else:
        print(f"generating {args.customers:,} customers …", flush=True)
        load(args, quiet=True)
    print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)


def sql_load(args) -> None:
    """The reports benchmark's book (customers, stage moves, orders, contracts, complaints, follow-ups,
    surveys); on SQLite the order indexes and the search index are built once after the rows."""
    import importlib

    from django.db import connection, transaction
    from reports import load as reports_load

    from huike.reports import paused

    search_index = importlib.import_module("huike.customers.migrations.0004_list_indexes_and_search")
    order_indexes = []
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            for sql in search_index.FTS_DROP[:3]:
                cur.execute(sql)
            cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                        "AND tbl_name = 'transactions_order'")
            order_indexes = cur.fetchall()
            for name, _sql in order_indexes:
                cur.execute(f'DROP INDEX "{name}"')
    reports_load(args.customers, int(args.customers * args.orders_per_customer))
    if connection.vendor == "sqlite":
        with transaction.atomic(), connection.cursor() as cur:
            for _name, sql in order_indexes:
                cur.execute(sql)
            for sql in paused.search_index_sql():
                cur.execute(sql)
            cur.execute("ANALYZE")


def main() -> None:
    args = parse()
    where = configure(args.db, args.data_dir)
    ensure_data(args)
    if args.load_only:
        return
    from django.db import connection

    from huike.backups.dump import backed_up_models

    rows = sum(m._base_manager.count() for m in backed_up_models())
    print(f"== backup benchmark: {rows:,} rows in {len(backed_up_models())} tables, {where}, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    connection.close()
    work = Path(tempfile.mkdtemp(prefix="huike-bench-backup-"))
    source_env = huike_env(os.environ.get("DATABASE_URL"), Path(os.environ["HUIKE_DATA_DIR"]))
    try:
        base = baseline(args.db, work)
        backup_file = work / "bench.hkb"
        print(f"  {base['tool']}: dump {base['dump']:.1f} s ({base['size'] / 2**20:.1f} MiB, peak "
              f"{base['dump_mem']:.0f} MiB), load {base['load']:.1f} s (peak {base['load_mem']:.0f} MiB)", flush=True)
        t_backup, mem_backup, out = run(huike("backup", "--output", str(backup_file)), env=source_env)
        print(f"  {out}  [peak {mem_backup:.0f} MiB, {os.getloadavg()[0]:.1f} load]", flush=True)
        size = backup_file.stat().st_size
        print(f"backup : {t_backup:7.1f} s  {size / 2**20:8.1f} MiB  peak {mem_backup:6.0f} MiB  "
              f"({rows / t_backup:,.0f} rows/s)", flush=True)
        print(f"  {base['tool']} dump: {base['dump']:7.1f} s  {base['size'] / 2**20:8.1f} MiB  "
              f"→ backup takes {t_backup / base['dump']:.1f}× the time, {size / base['size']:.2f}× the size")
        if args.skip_restore:
            return
        url, data_dir = empty_target(args.db, work)
        t_restore, mem_restore, out = run(huike("restore", str(backup_file)), env=huike_env(url, data_dir))
        print(f"  {out}  [peak {mem_restore:.0f} MiB, {os.getloadavg()[0]:.1f} load]", flush=True)
        print(f"restore: {t_restore:7.1f} s  peak {mem_restore:6.0f} MiB  ({rows / t_restore:,.0f} rows/s)")
        print(f"  {base['tool']} load: {base['load']:7.1f} s  → restore takes {t_restore / base['load']:.1f}× the time")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
