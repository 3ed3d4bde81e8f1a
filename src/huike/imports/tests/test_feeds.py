"""The batches of a run and their preparation ahead of the writes (feeds.py): a forked child for customer
imports of more than one batch, a thread otherwise. Both give the run the same prepared batches; a child
that fails or dies fails the job, which resumes from its checkpoint; a child never outlives its run."""
import multiprocessing
import os
import signal

import pytest
from django.utils import translation

from huike.customers.models import Customer
from huike.imports import customer_rows, feeds, services
from huike.imports.models import ImportJob
from huike.imports.tests.helpers import csv_bytes, customer_row, run_import, upload

pytestmark = pytest.mark.django_db

HEADER = ["客户名称", "联系人", "联系电话", "邮箱", "所属行业", "意向等级", "标签", "负责人"]


def test_only_customer_imports_of_more_than_one_batch_are_prepared_in_a_child():
    # given a batch size of 5,000 rows
    # when the run chooses how to prepare its batches
    # then a child prepares a customer import with rows for two batches, not one of one batch or other kinds
    assert feeds.use_process("customers", 5001, 5000) is True
    assert feeds.use_process("customers", 5000, 5000) is False
    assert feeds.use_process("orders", 50_000, 5000) is False
    assert feeds.use_process("followups", 50_000, 5000) is False


def _draft(actor, content: bytes, on_duplicate: str = "skip") -> ImportJob:
    return services.import_create(actor=actor, upload=upload("c.csv", content), name="c.csv", size=len(content),
                                  kind="customers", on_duplicate=on_duplicate, draft=True)


def _queued(actor, rows: int) -> ImportJob:
    """A queued import of `rows` customers, for import_execute."""
    job = _draft(actor, csv_bytes([customer_row(i) for i in range(rows)]))
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    return job


def _batches(feed, job, batch_size: int) -> list:
    with feed(services._context(job), job, services.job_file(job), 1, batch_size, "zh-hans") as batches:
        return [(last, rows, prepared.errors, prepared.valid) for last, rows, prepared in batches]


@pytest.mark.parametrize("on_duplicate", ["skip", "update"])
def test_the_child_and_the_thread_prepare_the_same_batches(org, on_duplicate):
    # given a file of 7 rows: owners by name, one bad phone, one unknown owner, one empty owner cell
    rows = [[*customer_row(i)[:-1], "重点", ["ra1", "ra2", ""][i % 3]] for i in range(7)]
    rows[2][2] = "12345"
    rows[4][-1] = "nobody"
    job = _draft(org.ma, csv_bytes(rows, header=HEADER), on_duplicate)
    # when it is prepared in batches of 3 by a child and by a thread
    by_child = _batches(feeds.process_feed, job, 3)
    by_thread = _batches(feeds.thread_feed, job, 3)
    # then both give the same batches, the same errors and the same prepared rows
    assert by_child == [(last, None, errors, valid) for last, _rows, errors, valid in by_thread]
    assert [last for last, *_ in by_child] == [4, 7, 8]
    assert [errors for _l, _r, errors, _v in by_child] == [
        [(4, "phone", "请输入有效的手机号码：以 13–19 开头的 11 位数字，例如 13812345678。")], [(6, "owner", "没有名为“nobody”的在职用户。")], []]
    # and the owners came back as the users themselves, the converted cells only where an update needs them
    valid = [v for *_b, batch in by_child for v in batch]
    assert [v["owner"] for v in valid] == [org.ra1, org.ra2, org.ra1, None, org.ra1]
    assert all((v["data"] is None) == (on_duplicate == "skip") for v in valid)


def test_an_import_prepared_by_a_child_writes_every_batch_once(org):
    # given a file of 7 customers, one of them twice
    rows = [customer_row(i) for i in range(6)] + [customer_row(3)]
    # when ra1 imports it in batches of 2 (a child prepares them)
    job = run_import(org.ra1, "c.csv", csv_bytes(rows), batch_size=2)
    # then six customers exist, the repeat skipped, and no child is left running
    assert (job.status, job.created, job.skipped, job.checkpoint) == ("done", 6, 1, 8)
    assert Customer.objects.count() == 6
    assert multiprocessing.active_children() == []


def test_a_failing_preparation_fails_the_job_and_a_resume_finishes_it(org, monkeypatch):
    # given a preparation that fails on the third batch (the forked child inherits the patch)
    prepare = customer_rows.prepare

    def failing(ctx, rows):
        if rows[-1][0] >= 6:
            raise ValueError("cell 6 cannot be read")
        return prepare(ctx, rows)

    monkeypatch.setattr(customer_rows, "prepare", failing)
    job = _queued(org.ra1, 6)
    # when the run takes batches of 2
    with pytest.raises(feeds.PrepareFailed, match="cell 6 cannot be read"):
        services.import_execute(job.pk, batch_size=2)
    # then the job failed with the child's error, after its first two batches
    job.refresh_from_db()
    assert (job.status, job.created, job.checkpoint, Customer.objects.count()) == ("failed", 4, 5, 4)
    assert "ValueError: cell 6 cannot be read" in job.error
    # and once the preparation works again a resume imports the rest exactly once
    monkeypatch.setattr(customer_rows, "prepare", prepare)
    job = services.import_execute(job.pk, batch_size=2)
    assert (job.status, job.created, Customer.objects.count()) == ("done", 6, 6)
    assert multiprocessing.active_children() == []


def test_a_killed_child_fails_the_job_at_once(org, monkeypatch):
    # given a child that is killed while it prepares the second batch
    prepare, run = customer_rows.prepare, os.getpid()

    def killed(ctx, rows):
        if rows[0][0] > 3 and os.getpid() != run:
            os.kill(os.getpid(), signal.SIGKILL)
        return prepare(ctx, rows)

    monkeypatch.setattr(customer_rows, "prepare", killed)
    job = _queued(org.ra1, 4)
    # when the run takes batches of 2
    with pytest.raises(feeds.PrepareFailed, match="exit code -9"):
        services.import_execute(job.pk, batch_size=2)
    # then the job failed with the first batch written, and nothing else
    job.refresh_from_db()
    assert (job.status, job.created, Customer.objects.count()) == ("failed", 2, 2)


def test_a_run_that_stops_reading_ends_its_child(org):
    # given a file of 3 batches prepared by a child
    job = _draft(org.ra1, csv_bytes([customer_row(i) for i in range(9)]))
    # when the run takes the first batch only and stops (its write failed, say)
    with translation.override("en"), \
            feeds.process_feed(services._context(job), job, services.job_file(job), 1, 3, "en") as batches:
        first = next(batches)
    # then it had the first three rows, and the child has ended
    assert (first[0], len(first[2].valid)) == (4, 3)
    assert multiprocessing.active_children() == []
