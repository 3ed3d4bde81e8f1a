"""Writes a run's results: only customers whose fingerprint changed, in bulk, with history and tasks."""
from __future__ import annotations

import collections
import datetime as dt
import queue
import threading
from contextlib import closing, contextmanager

import numpy as np
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper
from django.utils import timezone

from huike.automation.services import (
    REMINDER_COLUMNS, REMINDER_STAGE, reminders_from_stage_sql, reminders_stage, reminders_stage_text,
)
from huike.core import copy_binary
from huike.core.copy_binary import Column
from huike.core.sql import ids_among, ids_param
from huike.reports import facts

from .domain.features import FEATURE_NAMES
from .domain.rules import CLASS_CODES, RELATIONSHIP_CODES, TIER_CODES
from .domain.thresholds import Thresholds
from .engine import Results
from .features_sql import Snapshot
from .models import Change, ChangeStatus, Result, Strategy

INPUT_COLUMNS = ("threshold_set", "stage_since", *FEATURE_NAMES)  # an evidence's inputs (models.Inputs)
# classification.Change: a row per customer whose classifications moved, with the evidence of the change
HISTORY_COLUMNS = ("customer_id", "value_tier_from", "value_tier_to", "value_class_from", "value_class_to",
                   "relationship_type_from", "relationship_type_to", "as_of", "run_id", "status", "created_at",
                   *INPUT_COLUMNS)

CODE_COLUMNS = ("value_tier", "value_class", "relationship_type")  # on the customer: lists filter by them
BATCH = 20_000
CODES_STAGE = "classification_stage_codes"  # the customers whose codes moved (CODE_COLUMNS, id): a narrow join
CHUNK = 50_000  # changed customers built and written at a time
COPY_ROWS = 5_000  # rows per string written to COPY
ANALYZE_FROM = 10_000  # staged code rows from which the planner is given the staging table's statistics


def apply(*, snap: Snapshot, res: Results, run_id: int | None, as_of: dt.date, t: Thresholds,
          thresholds_id: int) -> dict[str, int]:
    """Write the customers whose fingerprint changed, CHUNK at a time so memory stays bounded."""
    changed = np.flatnonzero(res.hashes != snap.current["classification_hash"])
    strategies = {(s.dimension, s.value): s for s in Strategy.objects.filter(active=True)}
    counts = {"changed": len(changed), "history": 0, "pending": 0, "tasks": 0}
    if not len(changed):
        return counts
    # the value-class changes still waiting for a manager are superseded by the new ones, before those are written
    pending = _pending(snap.current["value_class"][changed], _CLASSES[res.klass[changed]], t)
    counts["pending"] = int(pending.sum())
    _supersede_pending(snap.features.ids[changed[pending]].tolist())
    out = _Staging()
    reminders_stage()
    with out.facts_synced(), _Rows() as rows:
        for start in range(0, len(changed), CHUNK):
            chunk = changed[start:start + CHUNK]
            results, codes, changes, reminders = _chunk(snap, res, chunk, run_id, as_of, t, thresholds_id,
                                                        strategies)
            out.customers(rows, results, codes, snap.current["classified"][chunk], snap.features.ids[chunk])
            rows.send_columns(Change._meta.db_table, HISTORY_COLUMNS, changes)
            if reminders:
                rows.send(REMINDER_STAGE, REMINDER_COLUMNS, reminders, reminders_stage_text)
                rows.execute(*reminders_from_stage_sql(), tally="tasks")
                rows.execute(f"DELETE FROM {REMINDER_STAGE}")
            counts["history"] += len(changes[0].values)
    counts["tasks"] = rows.tallies["tasks"]
    return counts


def _pending(old_class: np.ndarray, computed_class: np.ndarray, t: Thresholds) -> np.ndarray:
    """A first value class takes effect at once; a later change waits for a manager (R-5.2)."""
    return (old_class != "") & (computed_class != old_class) & t.class_approval


_TIERS, _CLASSES, _RELATIONSHIPS = (np.array(codes, dtype=object)
                                    for codes in (TIER_CODES, CLASS_CODES, RELATIONSHIP_CODES))


def _chunk(snap, res, changed, run_id, as_of, t, thresholds_id, strategies):
    """The result columns (_result_columns), the code rows of the customers whose codes moved (CODE_COLUMNS,
    then the id), history rows and strategy tasks of these changed rows. The codes are compared column-wise."""
    ft, cur = snap.features, snap.current
    now = timezone.now()
    created_at = connection.ops.adapt_datetimefield_value(now)  # the engine's own text form on SQLite
    old = {name: cur[name][changed] for name in CODE_COLUMNS}
    tier = res.tier[changed]
    computed_class = _CLASSES[res.klass[changed]]
    pending = _pending(old["value_class"], computed_class, t)
    new = {"value_tier": np.where(tier >= 0, _TIERS[np.maximum(tier, 0)], old["value_tier"]),
           "value_class": np.where(pending, old["value_class"], computed_class),
           "relationship_type": _RELATIONSHIPS[res.rel[changed]]}
    codes_changed = np.zeros(len(changed), dtype=bool)
    for name in CODE_COLUMNS:
        codes_changed |= new[name] != old[name]
    ids = ft.ids[changed]
    results = _result_columns(snap, res, changed, run_id, as_of, thresholds_id, pending)
    codes = list(zip(*(new[name][codes_changed].tolist() for name in CODE_COLUMNS), ids[codes_changed].tolist()))

    # the history: a row per customer whose classifications moved (the value class as computed, pending or not)
    moved = {"value_tier": new["value_tier"] != old["value_tier"],
             "relationship_type": new["relationship_type"] != old["relationship_type"],
             "value_class": computed_class != old["value_class"]}
    rows = np.flatnonzero(moved["value_tier"] | moved["relationship_type"] | moved["value_class"])
    status = np.where(pending[rows], ChangeStatus.PENDING.value, ChangeStatus.APPLIED.value)
    after = {**new, "value_class": computed_class}
    changes = [Column(ids[rows], "int8"),
               *(_text_column(side[name][rows]) for name in CODE_COLUMNS for side in (old, after)),
               Column(np.full(len(rows), as_of.toordinal()), "date"), _run_column(run_id, len(rows)),
               _text_column(status), Column(np.full(len(rows), _microseconds(now)), "timestamptz"),
               *_inputs_columns(snap, changed[rows], thresholds_id)]

    owners = snap.owners[changed]
    reminders = []
    plans = {}  # per strategy: its actions, body and due time, prepared once per chunk
    for dim, after in (("relationship_type", new["relationship_type"]), ("value_class", computed_class)):
        # a change of relationship type or value class that took effect (not a first one) brings the strategy
        brings = moved[dim] & (old[dim] != "")
        if dim == "value_class":
            brings &= ~pending
        for value in np.unique(after[brings]).tolist():
            strategy = strategies.get((dim, value))
            if strategy is None:
                continue
            if strategy.pk not in plans:
                plans[strategy.pk] = _TaskPlan(strategy, as_of, now)
            mask = brings & (after == value)
            for customer_id, owner_id in zip(ids[mask].tolist(), owners[mask].tolist()):
                reminders += plans[strategy.pk].rows(customer_id, owner_id, created_at)
    return results, codes, changes, reminders


# each feature's copy_binary kind, from its classification.Result column
_FEATURE_KINDS = {f.name: ("bool" if f.get_internal_type() == "BooleanField" else
                           "int8" if f.get_internal_type() == "BigIntegerField" else "int4")
                  for f in Result._meta.get_fields() if f.name in FEATURE_NAMES}
RESULT_COLUMNS = ("customer_id", "run_id", "classified_on", "value_tier", "value_class", "value_class_pending",
                  "relationship_type", "rfm_r", "rfm_f", "rfm_m", "segment", "hash", *INPUT_COLUMNS)


def _result_columns(snap, res, changed, run_id, as_of, thresholds_id, pending) -> list[Column]:
    """The changed customers' result rows (RESULT_COLUMNS) as columns: the rules' inputs and results as typed
    values, no document built per row (ADR 0028). RFM scores and a segment of 0 (no orders) are NULL."""
    n = len(changed)
    no_rfm = res.r[changed] == 0
    segment = res.segment[changed]
    return [
        Column(snap.features.ids[changed], "int8"), _run_column(run_id, n),
        Column(np.full(n, as_of.toordinal()), "date"),
        Column(res.tier[changed] + 1, "text", texts=("", *TIER_CODES)),
        Column(res.klass[changed], "text", texts=CLASS_CODES),
        Column(pending, "bool"),
        Column(res.rel[changed], "text", texts=RELATIONSHIP_CODES),
        *(Column(score[changed], "int2", null=no_rfm) for score in (res.r, res.f, res.m)),
        Column(segment, "int2", null=segment == 0),
        Column(res.hashes[changed], "int8"),
        *_inputs_columns(snap, changed, thresholds_id),
    ]


def _inputs_columns(snap, rows, thresholds_id) -> list[Column]:
    """INPUT_COLUMNS of these rows of the features: what a result and a history row keep as evidence."""
    stage_since = snap.current["stage_since"][rows]
    return [Column(np.full(len(rows), thresholds_id), "int4"), Column(stage_since, "date", null=stage_since == 0),
            *(Column(snap.features.columns[name][rows], _FEATURE_KINDS[name]) for name in FEATURE_NAMES)]


def _run_column(run_id: int | None, n: int) -> Column:
    if run_id is None:  # a one-customer reclassification
        return Column(np.zeros(n, dtype=np.int64), "int8", null=np.ones(n, dtype=bool))
    return Column(np.full(n, run_id), "int8")


def _text_column(values: np.ndarray) -> Column:
    """A column of strings (any, e.g. a code stored before the known codes) as indexes into its distinct texts."""
    texts, at = np.unique(values.astype(str), return_inverse=True) if len(values) else (np.array([""]), values)
    return Column(np.asarray(at, dtype=np.int64), "text", texts=tuple(texts.tolist()))


_UNIX_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _microseconds(moment: dt.datetime) -> int:
    """A moment as copy_binary's timestamptz value (exact: no float in between)."""
    return (moment - _UNIX_EPOCH) // dt.timedelta(microseconds=1)


class _TaskPlan:
    """A strategy's core actions as reminders for a customer's owner (REMINDER_COLUMNS), due after the
    strategy's days; the key (customer, strategy, run date, action) makes a repeat add nothing."""

    def __init__(self, strategy: Strategy, as_of: dt.date, now: dt.datetime):
        self.actions = [action[:200] for action in strategy.actions()]
        self.body = f"{strategy.service_level}\n{strategy.contact_frequency}"
        self.due = connection.ops.adapt_datetimefield_value(now + dt.timedelta(days=strategy.task_due_days))
        self.key = f"{strategy.dimension}:{strategy.value}:{as_of.isoformat()}"

    def rows(self, customer_id: int, owner_id: int, created_at) -> list[tuple]:
        return [(owner_id, customer_id, action, self.body, self.due, "strategy",
                 f"strategy:{customer_id}:{self.key}:{n}", created_at) for n, action in enumerate(self.actions)]


def _supersede_pending(customer_ids: list[int]) -> None:
    step = 10_000 if connection.vendor == "postgresql" else 500  # SQLite: its bound parameters per statement
    for start in range(0, len(customer_ids), step):
        Change.objects.filter(customer_id__in=customer_ids[start:start + step], status=ChangeStatus.PENDING).update(
            status=ChangeStatus.SUPERSEDED)


class _Staging:
    """Changed customers written in bulk (_Rows) and applied chunk by chunk, by set-based statements that the
    worker runs while the next chunk is built.

    A customer's result row (classification.Result) is written whole: the ones a customer had are deleted
    first, in the chunk's one statement, and every row goes in by COPY. The run or reclassification holds the
    locks (locks.py) under which no one else can have written one since the features were read. Staging the
    725,819 restated results of a monthly run at 1M customers and updating them from the stage had cost 10.7 s
    of the server's time (COPY 3.5 s, UPDATE … FROM 6.0 s, emptying the stage 1.2 s), and a first run's upsert
    4-7 s before that (ADR 0026).

    The customer row is updated from the narrow CODES_STAGE, which holds only the customers whose codes moved
    (the update's join does not read the evidence). The chunk's statement is bounded by its smallest and
    largest id (the features are read in id order: a chunk's ids are a narrow range), so it reads only the
    chunk's rows of the customers and of CODES_STAGE, which keeps every chunk's rows for the facts. At 1M
    customers on PostgreSQL this update took 8-9 s after the chunks while the run's Python was idle; during
    the chunks, the server had been waiting for rows (ADR 0027). The facts mirror of the tier is paused for
    the run's writes and synced in bulk after them (reports.facts.mirror_paused): row by row, the mirror and
    its day rollup cost more than the update itself when a first run classifies a million customers."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.moved = 0  # code rows staged
        with connection.cursor() as cur:
            self._create(cur)

    def customers(self, rows: _Rows, results: list[Column], codes: list[tuple], classified: np.ndarray,
                  ids: np.ndarray) -> None:
        """`classified`: per result row, whether the customer has a stored result row; `ids`: the rows'
        customers."""
        self.moved += len(codes)
        restated = ids[classified]
        if len(restated):
            rows.execute(f"DELETE FROM {Result._meta.db_table} WHERE customer_id {ids_among(connection.vendor)}",
                         [ids_param(connection.vendor, restated.tolist())])
        rows.send_columns(Result._meta.db_table, RESULT_COLUMNS, results)
        if codes:
            within = f"BETWEEN {int(ids.min())} AND {int(ids.max())}"
            rows.send(CODES_STAGE, (*CODE_COLUMNS, "id"), codes, _codes_text)
            rows.execute(f"UPDATE customers_customer AS c SET {', '.join(f'{c} = t.{c}' for c in CODE_COLUMNS)} "
                         f"FROM {CODES_STAGE} AS t WHERE c.id = t.id AND c.id {within} AND t.id {within}")

    def _create(self, cur) -> None:
        if self.postgres:
            cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {CODES_STAGE} (value_tier varchar(10), "
                        "value_class varchar(10), relationship_type varchar(15), id bigint) ON COMMIT DROP")
        else:
            cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {CODES_STAGE} ({', '.join(CODE_COLUMNS)}, "
                        "id INTEGER PRIMARY KEY)")
        cur.execute(f"DELETE FROM {CODES_STAGE}")

    @contextmanager
    def facts_synced(self):
        """The run's writes (the block) with the facts mirror paused; the facts take the new tiers after it
        from the narrow codes table (the customers it holds), not from the wide customer rows."""
        with facts.mirror_paused(connection, None, ("value_tier",), source=CODES_STAGE):
            yield
            if self.postgres and self.moved >= ANALYZE_FROM:
                # nothing analyses a temporary table: without its size the planner guessed a third of a million
                # rows and looked each facts row up by its key
                with connection.cursor() as cur:
                    cur.execute(f"ANALYZE {CODES_STAGE}")
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {CODES_STAGE}")


class _Rows:
    """Bulk rows into their tables, and statements, in the order sent, by a worker thread on the run's own
    connection (and transaction) while the caller builds the next chunk: on PostgreSQL the rows as COPY text,
    on SQLite by executemany. The database takes in one chunk's rows while Python builds the next, instead of
    each waiting for the other: the first run at 1M on PostgreSQL spent 14 s building rows and 16 s of the
    server's time taking them in. SQLite's driver lets go of the interpreter while SQLite inserts (the B-tree
    and page work), so a chunk's inserts there overlap the next chunk's building too (ADR 0027).

    The caller's own statements on the connection go after wait(), and the caller does not use the connection
    in the block otherwise. A failure of the worker (a refused row, the database's error) is raised in the
    caller at its next send(), execute() or wait(); leaving the block on an error drops what was not sent yet,
    and the transaction rolls back."""

    DEPTH = 2  # chunks formatted ahead of the database: bounds the memory (about 40 MB a chunk at CHUNK)

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.failure: BaseException | None = None
        self.cancelled = False
        self.tallies: collections.Counter = collections.Counter()
        connection.ensure_connection()
        self.jobs: queue.Queue = queue.Queue(maxsize=self.DEPTH)
        self.worker = threading.Thread(target=self._work, args=(connection.connection,), daemon=True,
                                       name="classification-rows")
        self.worker.start()

    def send(self, table: str, columns: tuple[str, ...], rows: list[tuple], text) -> None:
        """`text` formats rows as COPY text (PostgreSQL)."""
        if not rows:
            return
        self._raise()
        names = ", ".join(columns)
        if self.postgres:
            texts = [text(rows[start:start + COPY_ROWS]) for start in range(0, len(rows), COPY_ROWS)]
            self.jobs.put(("copy", f"COPY {table} ({names}) FROM STDIN", texts))
        else:
            marks = ", ".join(["%s"] * len(columns))
            self.jobs.put(("many", f"INSERT INTO {table} ({names}) VALUES ({marks})", rows))

    def send_columns(self, table: str, names: tuple[str, ...], columns: list[Column]) -> None:
        """Rows given as columns: on PostgreSQL one binary COPY built from the arrays (copy_binary), on SQLite
        as tuples (a date as its ISO text, a text column's code, None for NULL)."""
        if not len(columns[0].values):
            return
        if not self.postgres:
            self.send(table, names, list(zip(*(_python_values(c) for c in columns))), text=None)
            return
        self._raise()
        self.jobs.put(("copy", f"COPY {table} ({', '.join(names)}) FROM STDIN (FORMAT binary)",
                       [copy_binary.stream(columns)]))

    def execute(self, sql: str, params: list | None = None, tally: str | None = None) -> None:
        """A statement after the rows sent before it, in the same order; its row count is added to
        `tallies[tally]`."""
        self._raise()
        self.jobs.put(("one", sql, (params, tally)))

    def wait(self) -> None:
        """Every row sent is in its table, every statement run (or the worker's failure is raised)."""
        self.jobs.join()
        self._raise()

    def _raise(self) -> None:
        if self.failure is not None:
            with connection.wrap_database_errors:  # as Django's own cursor would raise it (IntegrityError, …)
                raise self.failure

    def _work(self, raw) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                if self.failure is None and not self.cancelled:
                    self._run(raw, *job)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                self.failure = exc
            finally:
                self.jobs.task_done()

    def _run(self, raw, kind: str, statement: str, payload) -> None:
        # SQLite: Django's own cursor class over the driver's connection (its %s placeholders become ?)
        with closing(raw.cursor() if self.postgres else raw.cursor(factory=SQLiteCursorWrapper)) as cur:
            if kind == "copy":
                with cur.copy(statement) as copy:
                    for text in payload:
                        copy.write(text)
            elif kind == "many":
                for start in range(0, len(payload), BATCH):
                    cur.executemany(statement, payload[start:start + BATCH])
            else:
                params, tally = payload
                cur.execute(statement, params)
                if tally is not None:
                    self.tallies[tally] += cur.rowcount

    def __enter__(self) -> _Rows:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        self.cancelled = kind is not None
        self.jobs.put(None)
        self.worker.join()
        if kind is None:
            self._raise()


def _python_values(column: Column) -> list:
    """A column's values as the database driver takes them (SQLite): a date's or a moment's text made once per
    distinct value (the engine's own text form), a text column's codes, None for NULL."""
    values = column.values
    if column.kind in ("date", "timestamptz", "text"):
        distinct, at = np.unique(values, return_inverse=True)
        if column.kind == "date":
            names = [dt.date.fromordinal(v).isoformat() if v > 0 else None for v in distinct.tolist()]
        elif column.kind == "timestamptz":
            names = [connection.ops.adapt_datetimefield_value(_UNIX_EPOCH + dt.timedelta(microseconds=v))
                     for v in distinct.tolist()]
        else:
            names = [column.texts[v] for v in distinct.tolist()]
        out = [names[k] for k in at.tolist()]
    elif column.kind == "bool":
        out = values.astype(bool).tolist()
    else:
        out = values.tolist()
    if column.null is not None:
        out = [None if gone else v for v, gone in zip(out, column.null.tolist())]
    return out


def _codes_text(rows: list[tuple]) -> str:
    """Code rows (CODE_COLUMNS, id) in COPY's text format; a code that the format would need escaped is
    refused, not written wrongly."""
    _refuse_escapes(text for row in rows for text in row[:3])
    return "".join(f"{tier}\t{klass}\t{rel}\t{cid}\n" for tier, klass, rel, cid in rows)


def _refuse_escapes(texts) -> None:
    joined = "".join(texts)
    if "\\" in joined or "\t" in joined or "\n" in joined:
        raise ValueError("a staged classification row holds a tab, newline or backslash")
