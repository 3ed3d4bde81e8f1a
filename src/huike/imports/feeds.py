"""The batches of an import run, in file order, each with its preparation (conversion and validation,
which read nothing from the database) done ahead of the batch being written.

- `thread_feed`: the next batch is prepared on a second thread. Threads share the interpreter lock, so
  this overlaps only with the time the database driver releases it.
- `process_feed` (customer imports of more than one batch, where `fork` exists): a forked child reads the
  file and prepares every batch, and sends each prepared batch through a pipe. The run's own process only
  writes, so preparation and writing use the machine's two cores. A prepared batch is sent only when
  the run has taken the one before (the pipe blocks), so at most two batches wait in memory.

Either way the run receives `(last row number, rows or None, prepared or None)` per batch; it commits each
batch with its checkpoint in its own transaction, so a crash of either process leaves whole batches.
"""
from __future__ import annotations

import contextvars
import multiprocessing
import os
import traceback
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from django.db import connections
from django.utils import translation

from huike.customers import options

from . import customer_rows, reading

Batch = tuple[int, list | None, "customer_rows.Prepared | None"]


class PrepareFailed(RuntimeError):
    """The preparing process failed or stopped; the run fails and can be resumed from its checkpoint."""


def batches(job, f, checkpoint: int, batch_size: int):
    """The file's rows after the checkpoint, `batch_size` at a time: lists of (row number, cells)."""
    batch = []
    for number, cells in reading.iter_rows(job.file_format, job.encoding, f, len(job.headers)):
        if number <= checkpoint:
            continue
        batch.append((number, cells))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def use_process(kind: str, remaining: int, batch_size: int) -> bool:
    """A child pays off for a customer import of more than one batch (a fork costs a few milliseconds)."""
    return kind == "customers" and remaining > batch_size and "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def thread_feed(ctx, job, path: Path, checkpoint: int, batch_size: int, language: str) -> Iterator[Iterator[Batch]]:
    """Customer batches are prepared one ahead on a thread; other kinds are processed as they are read."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-prepare") \
        if ctx.kind == "customers" else None

    def prepare(batch):
        with translation.override(language), options.pinned():
            return customer_rows.prepare(ctx, batch)

    def feed(f):
        pending = None  # (batch, its preparation) waiting to be written
        for batch in batches(job, f, checkpoint, batch_size):
            prepared = pool.submit(contextvars.copy_context().run, prepare, batch) if pool else None
            if pending:
                yield pending[0][-1][0], pending[0], pending[1]
            pending = (batch, prepared)
        if pending:
            yield pending[0][-1][0], pending[0], pending[1]

    try:
        with open(path, "rb") as f:
            yield (
                (last, rows, future.result() if future is not None else None) for last, rows, future in feed(f))
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def process_feed(ctx, job, path: Path, checkpoint: int, batch_size: int, language: str) -> Iterator[Iterator[Batch]]:
    """Customer batches prepared by a forked child (see the module doc)."""
    mp = multiprocessing.get_context("fork")
    received, sent = mp.Pipe(duplex=False)
    with options.pinned():  # the child inherits the choice lists: it never reads the database
        child = mp.Process(target=_child, args=(ctx, job, path, checkpoint, batch_size, language, received, sent),
                           name="import-prepare", daemon=True)
        child.start()
    sent.close()  # the child's end; ours only receives, so the child's exit ends the stream
    users = {u.pk: u for u in ctx.users.values()}

    def feed():
        while True:
            try:
                message = received.recv()
            except EOFError:
                child.join(5)
                raise PrepareFailed(f"the preparing process stopped (exit code {child.exitcode})") from None
            if message[0] == "done":
                return
            if message[0] == "error":
                raise PrepareFailed(message[1])
            _kind, last, prepared = message
            for v in prepared.valid:
                if v["owner"] is not None:
                    v["owner"] = users[v["owner"]]
            yield last, None, prepared

    try:
        yield feed()
    finally:
        received.close()  # a child still sending gets a broken pipe and exits
        child.join(10)
        if child.is_alive():
            child.kill()
            child.join()


_inherited: list = []  # the parent's database connections, kept (never used, never finalized) in the child


def _detach_databases() -> None:
    """The child must never talk on the parent's database connections: a PostgreSQL connection's socket is
    shared with the parent, and closing it (even by garbage collection) would end the parent's session. The
    objects are kept alive here and Django is left without them, so any database use opens its own."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            _inherited.append(conn.connection)
            conn.connection = None


def _child(ctx, job, path: Path, checkpoint: int, batch_size: int, language: str, parents_end, out) -> None:
    # The fork copied the receiving end too: closed here, so that when the run's process ends (or is
    # killed) no reader is left and the next send fails instead of waiting for ever.
    parents_end.close()
    _detach_databases()
    try:
        with translation.override(language), options.pinned(), open(path, "rb") as f:
            for batch in batches(job, f, checkpoint, batch_size):
                prepared = customer_rows.prepare(ctx, batch)
                for v in prepared.valid:  # a user travels as its id; the run maps it back
                    if v["owner"] is not None:
                        v["owner"] = v["owner"].pk
                out.send(("batch", batch[-1][0], prepared))
        out.send(("done",))
    except BrokenPipeError:  # the run stopped reading (it failed or was stopped): nothing to report to
        pass
    except BaseException:  # noqa: BLE001 - reported to the run, which fails the job with it
        try:
            out.send(("error", traceback.format_exc(limit=8)[-2000:]))
        except OSError:
            pass
    finally:
        out.close()
        os._exit(0)  # no exit handlers: the inherited connections and files belong to the parent
