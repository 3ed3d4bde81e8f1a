"""The real huey consumer runs queued tasks; two processes writing to one SQLite file never hit a lock error."""
from __future__ import annotations

import subprocess
import textwrap

import pytest

from .processes import children_of, huike, huike_env, run_huike


def test_worker_runs_a_task_queued_by_another_process_and_logs_each_line_once(tmp_path):
    # given `huike worker` consuming the embedded SQLite queue (non-immediate settings), logging at INFO
    worker = subprocess.Popen(huike("worker", "--workers", "1"), env=huike_env(tmp_path, HUIKE_LOG_LEVEL="INFO"),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # when another process enqueues the health check and waits for its result
        code = "from huike.core.tasks import health_check; print(health_check('abc123').get(blocking=True, timeout=60))"
        producer = run_huike(tmp_path, "shell", "--no-imports", "-c", code, timeout=90)
        # then the worker ran it
        assert producer.returncode == 0, producer.stderr
        assert producer.stdout.strip() == "ok:abc123"
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert (tmp_path / "queue.sqlite3").exists()
    # and each of its log lines was written once, through the app's handler (with the request-id field)
    started = [line for line in output.splitlines() if "Huey consumer started" in line]
    assert len(started) == 1 and " INFO [-] huey.consumer: " in started[0]
    assert sum("health_check" in line and "executed in" in line for line in output.splitlines()) == 1


WRITER = textwrap.dedent("""
    import sys
    from huike.accounts.models import User
    from huike.customers.services import customer_create
    rep = User.objects.get(username=sys.argv[1])
    start = int(sys.argv[2])
    for i in range(start, start + 40):
        customer_create(actor=rep, data={"name": f"并发客户{i}有限公司", "contact_name": "张三",
                                         "phone": f"1390000{i:04d}"})
    print("done")
""")


@pytest.fixture
def migrated(tmp_path):
    result = run_huike(tmp_path, "migrate", "--skip-checks", "-v", "0", timeout=300)
    assert result.returncode == 0, result.stderr
    setup = ("from huike.testing.factories import make_team, make_user; t = make_team('T');"
             "make_user('w1', team=t); make_user('w2', team=t)")
    result = run_huike(tmp_path, "shell", "--no-imports", "-c", setup)
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_two_processes_writing_customers_at_once_never_see_database_is_locked(migrated):
    # given a file-based SQLite database (WAL, IMMEDIATE transactions, busy timeout)
    script = migrated / "writer.py"
    script.write_text(WRITER)
    # when two processes create 40 customers each at the same time
    procs = [
        subprocess.Popen(huike("shell", "--no-imports", "-c", f"import sys; sys.argv=['w', '{user}', '{start}']; "
                               f"exec(open({str(script)!r}).read())"),
                         env=huike_env(migrated), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for user, start in (("w1", 0), ("w2", 1000))
    ]
    outputs = [p.communicate(timeout=240) for p in procs]
    # then both finished without a lock error and all 80 customers exist with distinct codes
    for p, (out, err) in zip(procs, outputs):
        assert "database is locked" not in err
        assert p.returncode == 0, err
        assert out.strip() == "done"
    count = run_huike(migrated, "shell", "--no-imports", "-c",
                      "from huike.customers.models import Customer as C; "
                      "print(C.objects.count(), C.objects.values('code').distinct().count())")
    assert count.stdout.split() == ["80", "80"]


IMPORT = textwrap.dedent("""
    import csv, io, sys, time
    from django.core.files.uploadedfile import SimpleUploadedFile
    from huike.accounts.models import User
    from huike.customers.models import Customer
    from huike.imports import services
    rows = io.StringIO()
    w = csv.writer(rows)
    w.writerow(["客户名称", "联系人", "联系电话"])
    w.writerows([f"队列导入客户{i}有限公司", "张三", f"137{i:08d}"] for i in range(int(sys.argv[1])))
    content = rows.getvalue().encode()
    job = services.import_create(actor=User.objects.get(username="w1"), upload=SimpleUploadedFile("c.csv", content),
                                 name="c.csv", size=len(content), kind="customers")
    deadline = time.monotonic() + 180
    while job.status not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    print(job.status, job.created, Customer.objects.count(), job.error[:300])
""")


def test_the_worker_runs_an_import_of_two_batches_with_its_preparing_child(migrated):
    # given the real consumer with its worker threads, and a csv of 5,001 customers (two batches of 5,000)
    worker = subprocess.Popen(huike("worker", "--workers", "2"), env=huike_env(migrated), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    script = migrated / "import.py"
    script.write_text(IMPORT)
    try:
        # when w1 uploads it and the worker runs the import (its first batch prepared by a forked child)
        producer = run_huike(migrated, "shell", "--no-imports", "-c",
                             f"import sys; sys.argv=['i', '5001']; exec(open({str(script)!r}).read())", timeout=240)
        # then every row was imported once, and the worker has no child left
        assert producer.returncode == 0, producer.stderr
        assert producer.stdout.split() == ["done", "5001", "5001"]
        assert children_of(worker.pid) == {}
    finally:
        worker.terminate()
        worker.communicate(timeout=30)
