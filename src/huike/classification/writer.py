"""Writes a run's results: only customers whose fingerprint changed, in bulk, with history and tasks."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
from django.db import connection
from django.utils import timezone

from huike.automation.models import Reminder
from huike.automation.services import reminders_create
from huike.reports import facts

from .domain.rules import CLASS_CODES, RELATIONSHIP_CODES, TIER_CODES
from .domain.thresholds import Thresholds
from .engine import EvidenceRows, Results
from .features_sql import Snapshot
from .models import Change, ChangeStatus, Result, Strategy

HISTORY_COLUMNS = ("customer_id", "dimension", "from_value", "to_value", "as_of", "run_id", "evidence", "status",
                   "created_at")

CODE_COLUMNS = ("value_tier", "value_class", "relationship_type")  # on the customer: lists filter by them
RESULT_COLUMNS = ("evidence", "rfm_r", "rfm_f", "rfm_m", "segment", "classified_on", "hash")  # classification.Result
STAGE_COLUMNS = (*CODE_COLUMNS, "codes_changed", *RESULT_COLUMNS)
BATCH = 20_000
STAGE = "classification_stage"
CHUNK = 50_000  # changed customers built and written at a time


def apply(*, snap: Snapshot, res: Results, run_id: int | None, as_of: dt.date, t: Thresholds,
          thresholds_id: int) -> dict[str, int]:
    """Write the customers whose fingerprint changed, CHUNK at a time so memory stays bounded."""
    stored_hash = snap.current["classification_hash"]
    changed = np.flatnonzero(res.hashes != stored_hash)
    strategies = {(s.dimension, s.value): s for s in Strategy.objects.filter(active=True)}
    counts = {"changed": len(changed), "history": 0, "pending": 0, "tasks": 0}
    out = _Staging()
    for start in range(0, len(changed), CHUNK):
        rows, changes, reminders, pending_ids = _chunk(snap, res, changed[start:start + CHUNK], run_id, as_of, t,
                                                       thresholds_id, strategies)
        out.customers(rows)
        if pending_ids:
            _supersede_pending(pending_ids)
        _insert_history(changes)
        counts["history"] += len(changes)
        counts["pending"] += len(pending_ids)
        counts["tasks"] += reminders_create(reminders)
    out.finish()
    return counts


def _chunk(snap, res, changed, run_id, as_of, t, thresholds_id, strategies):
    ft, cur = snap.features, snap.current
    now = timezone.now()
    rows, changes, reminders, pending_ids = [], [], [], []
    history_evidence = json.dumps({"run": run_id})
    created_at = connection.ops.adapt_datetimefield_value(now)  # the engine's own text form on SQLite
    ev = EvidenceRows(ft, res, changed, run_id, as_of, thresholds_id, cur["stage_since"])
    ids, hashes, owners = ft.ids[changed].tolist(), res.hashes[changed].tolist(), snap.owners[changed].tolist()
    olds = [[v or "" for v in cur[k][changed]] for k in ("value_tier", "value_class", "relationship_type")]
    for j, cid in enumerate(ids):
        old_tier, old_class, old_rel = olds[0][j], olds[1][j], olds[2][j]
        new_tier = TIER_CODES[ev.tier[j]] if ev.tier[j] >= 0 else old_tier
        new_rel = RELATIONSHIP_CODES[ev.rel[j]]
        computed_class = CLASS_CODES[ev.klass[j]]
        # A first value class takes effect at once; a later change waits for a manager.
        pending = bool(old_class) and t.class_approval and computed_class != old_class
        r, f, m = ev.rfm[j]
        stored_class = old_class if pending else computed_class
        codes_changed = (new_tier, stored_class, new_rel) != (old_tier, old_class, old_rel)
        rows.append((new_tier, stored_class, new_rel, codes_changed, ev.row(j, pending), r or None, f or None,
                     m or None, ev.segment[j] or None, as_of, hashes[j], cid))
        for dim, before, after in (("value_tier", old_tier, new_tier), ("relationship_type", old_rel, new_rel),
                                   ("value_class", old_class, computed_class)):
            if before == after:
                continue
            status = ChangeStatus.PENDING if (dim == "value_class" and pending) else ChangeStatus.APPLIED
            changes.append((cid, dim, before, after, as_of, run_id, history_evidence, status, created_at))
            if status == ChangeStatus.PENDING:
                pending_ids.append(cid)
            elif before and dim != "value_tier":
                reminders += strategy_tasks(strategies.get((dim, after)), cid, owners[j], as_of, now)
    return rows, changes, reminders, pending_ids


def strategy_tasks(strategy: Strategy | None, customer_id: int, owner_id: int, as_of: dt.date,
                   now: dt.datetime) -> list[Reminder]:
    """The strategy's core actions as reminders for the owner; the key makes a repeat add nothing."""
    if strategy is None:
        return []
    due = now + dt.timedelta(days=strategy.task_due_days)
    return [
        Reminder(user_id=owner_id, customer_id=customer_id, title=action[:200], due_at=due, source="strategy",
                 body=f"{strategy.service_level}\n{strategy.contact_frequency}",
                 key=f"strategy:{customer_id}:{strategy.dimension}:{strategy.value}:{as_of.isoformat()}:{n}")
        for n, action in enumerate(strategy.actions())
    ]


def _supersede_pending(customer_ids: list[int]) -> None:
    for start in range(0, len(customer_ids), 500):
        Change.objects.filter(customer_id__in=customer_ids[start:start + 500], dimension="value_class",
                              status=ChangeStatus.PENDING).update(status=ChangeStatus.SUPERSEDED)


class _Staging:
    """Changed customers staged in a temporary table (COPY on PostgreSQL, executemany on SQLite), then applied
    in set-based statements: every staged customer's evidence row (classification.Result) upserted; the
    customer row updated only where a code moved. The facts mirror of the tier is paused for that update and
    synced in bulk (reports.facts.mirror_paused): row by row, the mirror and its day rollup cost more than the
    update itself when a first run classifies a million customers."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.staged = False

    def customers(self, rows: list[tuple]) -> None:
        if not rows:
            return
        cols = ", ".join(STAGE_COLUMNS)
        with connection.cursor() as cur:
            if not self.staged:
                if self.postgres:
                    cur.execute(
                        f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (value_tier varchar(10), value_class varchar(10), "
                        "relationship_type varchar(15), codes_changed boolean, evidence jsonb, rfm_r smallint, "
                        "rfm_f smallint, rfm_m smallint, segment smallint, classified_on date, hash bigint, "
                        "id bigint) ON COMMIT DROP")
                else:
                    cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ({cols}, id INTEGER PRIMARY KEY)")
                cur.execute(f"DELETE FROM {STAGE}")
                self.staged = True
            if self.postgres:
                with cur.cursor.copy(f"COPY {STAGE} ({cols}, id) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * (len(STAGE_COLUMNS) + 1))
                cur.executemany(f"INSERT INTO {STAGE} ({cols}, id) VALUES ({marks})", rows)

    def finish(self) -> None:
        if not self.staged:
            return
        results = ", ".join(RESULT_COLUMNS)
        with connection.cursor() as cur:
            # WHERE true: SQLite reads ON CONFLICT after a bare FROM as a join constraint
            cur.execute(f"INSERT INTO {Result._meta.db_table} (customer_id, {results}) SELECT id, {results} "
                        f"FROM {STAGE} WHERE true ON CONFLICT (customer_id) DO UPDATE SET "
                        + ", ".join(f"{c} = excluded.{c}" for c in RESULT_COLUMNS))
        codes = ", ".join(f"{c} = t.{c}" for c in CODE_COLUMNS)
        with facts.mirror_paused(connection, f"SELECT id FROM {STAGE} WHERE codes_changed"), \
                connection.cursor() as cur:
            cur.execute(f"UPDATE customers_customer AS c SET {codes} FROM {STAGE} AS t "
                        "WHERE c.id = t.id AND t.codes_changed")
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {STAGE}")


def _insert_history(rows: list[tuple]) -> None:
    """History rows straight into the table: at a million customers the ORM's per-object work dominates."""
    if not rows:
        return
    table = Change._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({', '.join(HISTORY_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(HISTORY_COLUMNS))
        for start in range(0, len(rows), BATCH):
            cur.executemany(f"INSERT INTO {table} ({', '.join(HISTORY_COLUMNS)}) VALUES ({marks})",
                            rows[start:start + BATCH])
