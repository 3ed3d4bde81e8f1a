"""Crash safety (R-11.1): a worker process SIGKILLed at several points of an import leaves exactly the rows of
its committed batches (= the checkpoint); resuming finishes with exactly N customers and no duplicates.

Runs against the suite's database kind (SQLite, or PostgreSQL with HUIKE_TEST_DB=postgres) in a database of
its own, because the worker is a separate process. The 100,000-row variant is `slow` (run by the benchmark).
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import pytest
from django.conf import settings

BATCH = 500


def _environment() -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "huike.config.settings",
           "HUIKE_DATA_DIR": tempfile.mkdtemp(prefix="huike-crash-"), "HUIKE_LOG_LEVEL": "ERROR"}
    env.pop("DATABASE_URL", None)
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        import psycopg

        name = f"crash_{uuid.uuid4().hex[:8]}"
        base = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = f"{base}/{name}"
    return env


def _worker(env: dict, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "huike.imports.tests.crash_worker", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _call(env: dict, *args) -> str:
    proc = _worker(env, *args)
    out, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err[-3000:]
    return out.strip().splitlines()[-1]


CHECKS = {
    "customers": "SELECT COUNT(*) FROM customers_customer",
    "duplicate_phones": "SELECT COUNT(*) FROM (SELECT phone FROM customers_customer GROUP BY phone HAVING COUNT(*) > 1) d",
    "distinct_codes": "SELECT COUNT(DISTINCT code) FROM customers_customer",
    "stage_changes": "SELECT COUNT(*) FROM customers_stagechange",
}


def _check(env: dict, job_id: int) -> dict:
    """The invariants, read straight from the database (no Django start-up per look)."""
    with _connect(env) as conn:
        out = {name: conn.execute(sql).fetchone()[0] for name, sql in CHECKS.items()}
        row = conn.execute("SELECT created, skipped, failed_rows, checkpoint, status, total FROM imports_importjob "
                           f"WHERE id = {int(job_id)}").fetchone()
    return {**out, **dict(zip(["created", "skipped", "failed", "checkpoint", "status", "total"], row))}


def _connect(env: dict):
    if env.get("DATABASE_URL"):
        import psycopg

        return psycopg.connect(env["DATABASE_URL"])
    import contextlib
    import sqlite3

    return contextlib.closing(sqlite3.connect(os.path.join(env["HUIKE_DATA_DIR"], "huike.sqlite3"), timeout=20))


def _assert_consistent(state: dict, rows: int) -> None:
    # every committed batch is whole: the rows in the database are exactly the rows up to the checkpoint
    assert state["customers"] == state["created"] == state["checkpoint"] - 1
    assert state["stage_changes"] == state["customers"]
    assert (state["duplicate_phones"], state["distinct_codes"]) == (0, state["customers"])
    assert state["checkpoint"] - 1 <= rows


def _crash_and_resume(rows: int, kill_after_batches: list[int]) -> None:
    # given an import of `rows` customers, queued in a database of its own
    env = _environment()
    job_id = int(_call(env, "setup", rows, BATCH))
    rng = random.Random(rows)
    for batches in kill_after_batches:
        # when a worker runs it and is SIGKILLed once `batches` more batches are committed (plus a moment, to land
        # inside the next batch's transaction)
        before = _check(env, job_id)["checkpoint"]
        proc = _worker(env, "run", job_id, BATCH)
        deadline = time.monotonic() + 600
        while batches and proc.poll() is None and time.monotonic() < deadline:
            if _checkpoint(env, job_id) >= before + batches * BATCH:
                break
            time.sleep(0.05)
        time.sleep(rng.uniform(0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # then the database holds exactly the committed batches
        _assert_consistent(_check(env, job_id), rows)
        # and the worker's preparing child (a fork: the same command line) does not outlive it
        assert _left_running(env, ["huike.imports.tests.crash_worker", "run", str(job_id)]) == []
    # when a worker resumes the job to the end
    assert _call(env, "run", job_id, BATCH) == "done"
    # then exactly `rows` customers exist, each once
    final = _check(env, job_id)
    _assert_consistent(final, rows)
    assert (final["customers"], final["status"], final["checkpoint"]) == (rows, "done", rows + 1)
    # and repeating the finished import changes nothing
    assert _call(env, "run", job_id, BATCH) == "done"
    assert _check(env, job_id)["customers"] == rows


def _left_running(env: dict, command: list[str], wait: float = 10.0) -> list[int]:
    """The ids of this test's processes (its data directory) still running `command` after up to `wait` s."""
    wanted, mine = "\0".join(command).encode(), f"HUIKE_DATA_DIR={env['HUIKE_DATA_DIR']}\0".encode()
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in os.listdir("/proc"):
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f, open(f"/proc/{entry}/environ", "rb") as e:
                    if wanted in f.read() and mine in e.read():
                        found.append(int(entry))
            except (OSError, ValueError):
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _checkpoint(env: dict, job_id: int) -> int:
    with _connect(env) as conn:
        return conn.execute(f"SELECT checkpoint FROM imports_importjob WHERE id = {int(job_id)}").fetchone()[0]


def test_sigkill_at_several_points_then_resume_gives_exactly_n_rows():
    # kill before the first commit, after 1 batch, after 2 more; then resume to the end
    _crash_and_resume(2500, [0, 1, 2])


@pytest.mark.slow
def test_sigkill_during_a_100000_row_import_then_resume():
    rows = int(os.environ.get("HUIKE_CRASH_ROWS", "100000"))
    _crash_and_resume(rows, [0, 5, 40, 60])
