"""The automation tasks through both queue backends: embedded SQLite storage and a real redis-server
(Debian's package, started here on 127.0.0.1 on a free port and stopped afterwards)."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time

import pytest
import redis
from django.utils import timezone
from huey import RedisHuey, SqliteHuey

from huike.automation import engine
from huike.automation.models import Event
from huike.core.tests.processes import free_port
from huike.customers.models import Customer
from huike.customers.services import customer_update
from huike.notifications.models import Notification
from huike.testing.factories import make_customer


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: scripts/test installs it (apt package redis-server)"
    port = free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(params=["sqlite", "redis"])
def queue(request, tmp_path):
    if request.param == "sqlite":
        return SqliteHuey("huike-test", filename=str(tmp_path / "queue.sqlite3"))
    return RedisHuey("huike-test", url=request.getfixturevalue("redis_url"))


def _upgrade_event(org) -> int:
    customer = make_customer(org.ra1, intent="medium")
    customer_update(actor=org.ra1, customer=customer, data={
        "demand": "已确认预算", "expected_close_date": timezone.localdate() + dt.timedelta(days=3)})
    return Event.objects.get(kind="customer_changed", customer=customer).pk


def test_an_event_goes_through_the_queue_and_the_worker_runs_the_rule(org, queue):
    # given: the event task registered on this backend, and an event waiting in the outbox
    task = queue.task()(engine.process_event)
    event_id = _upgrade_event(org)

    # when: enqueued after commit, then a worker takes it from the queue and runs it
    task(event_id)
    assert queue.pending_count() == 1
    queue.execute(queue.dequeue())

    # then
    assert queue.pending_count() == 0
    assert Notification.objects.filter(user=org.ma, kind="rule").count() == 1
    assert Event.objects.get(pk=event_id).processed_at is not None


def test_a_worker_killed_after_taking_the_task_loses_nothing(org, queue):
    # given
    task = queue.task()(engine.process_event)
    event_id = _upgrade_event(org)
    task(event_id)

    # when: a worker takes the task off the queue and dies before running it
    queue.dequeue()
    assert queue.pending_count() == 0

    # then: the periodic sweep, a couple of minutes later, does the work from the outbox
    sweep = queue.task()(engine.sweep)
    sweep(timezone.now() + dt.timedelta(minutes=2))
    result = queue.execute(queue.dequeue())
    assert result["events"] >= 1
    assert Notification.objects.filter(user=org.ma, kind="rule").count() == 1


def test_the_same_event_enqueued_twice_does_one_thing(org, queue):
    task = queue.task()(engine.process_event)
    event_id = _upgrade_event(org)
    task(event_id)
    task(event_id)
    queue.execute(queue.dequeue())
    queue.execute(queue.dequeue())
    assert Notification.objects.filter(user=org.ma, kind="rule").count() == 1
