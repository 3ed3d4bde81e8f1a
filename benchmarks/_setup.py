"""Shared set-up for the benchmark scripts: a throwaway data directory and database, Django configured."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This checkout's code, also in the child processes the benchmarks start: the virtual environment's editable
# install points at one checkout, and a benchmark run from another worktree must not measure that one's code.
sys.path.insert(0, str(ROOT / "src"))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))


def configure(db: str, data_dir: str | None = None) -> str:
    """Point Django at a fresh SQLite file or a throwaway PostgreSQL, migrate, return a description."""
    if db not in ("sqlite", "postgres"):
        sys.exit("--db is sqlite or postgres")
    data_dir = data_dir or tempfile.mkdtemp(prefix=f"huike-bench-{db}-")
    os.environ["HUIKE_DATA_DIR"] = data_dir
    os.environ.setdefault("HUIKE_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "huike.config.settings"
    where = f"SQLite in {data_dir}"
    if db == "postgres" and os.environ.get("HUIKE_BENCH_PG_URL"):
        # a server kept between runs (e.g. the 100,000-customer load-test data): not started or stopped here
        os.environ["DATABASE_URL"] = os.environ["HUIKE_BENCH_PG_URL"]
        where = f"PostgreSQL at {os.environ['DATABASE_URL'].rsplit('@', 1)[-1]}"
    elif db == "postgres":
        from huike.testing import pgserver

        server = pgserver.start(extra="-c shared_buffers=256MB -c max_wal_size=4GB -c work_mem=32MB")
        os.environ["DATABASE_URL"] = server.url
        where = f"PostgreSQL on port {server.port}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)
    return where


def fast_passwords() -> None:
    """Benchmark users are throwaway: skip the deliberately slow production password hash."""
    from django.test.utils import override_settings

    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
