"""Writing many customers at once: the kept tables' row triggers paused, then caught up set-based.

Row triggers keep the search index (SQLite), the per-owner stage and due counts, the customer facts and
their per-day rollup for every write. For a batch they cost more than the write itself, so inside
`paused()` the pausable triggers do nothing and the writer brings every kept table to exactly what they
would have made, with one grouped statement per table, in the same transaction:
- a batch of new customers (the import): their inserts and first stage moves, then `catch_up(ids)`;
- a bulk update of mirrored columns (a classification run's tiers): `facts.mirror_paused`, which syncs
  the facts and their rollup itself.
Nothing else may run while paused.

The flag is transaction-local: a PostgreSQL setting set with is_local (the triggers' WHEN reads it), or a
row in reports_triggerpause on SQLite (one writer at a time; no other transaction can see the row, and it
is deleted before the pause ends). It is set inside a savepoint, so an error undoes it with the writes.
"""
from __future__ import annotations

import importlib
from contextlib import contextmanager

from django.db import transaction

from huike.core.sql import ids_among, ids_param

from . import due, facts, rollup, stages
from ._sql import SETTING, ensure_pause_table, running


FTS_TRIGGER_DROP = "DROP TRIGGER IF EXISTS customer_search_ai"


def fts_trigger(when: bool = True) -> str:
    """SQLite's search-index insert trigger (customers migration 0004), pausable."""
    condition = f" WHEN {running('sqlite')}" if when else ""
    return (f"CREATE TRIGGER customer_search_ai AFTER INSERT ON customers_customer{condition} BEGIN "
            "INSERT INTO customer_search(rowid, search_text) VALUES (new.id, new.search_text); END")


def search_index_sql() -> list[str]:
    """SQLite: rebuild the search index from the customers and put its row triggers back as they are now
    (the insert trigger pausable), for a bulk loader that dropped them (a restore, the benchmarks' loads)."""
    migration = importlib.import_module("huike.customers.migrations.0004_list_indexes_and_search")
    return [migration.FTS_SQL[1], fts_trigger(), *migration.FTS_SQL[3:]]


def _set(connection, on: bool) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT set_config(%s, %s, true)", [SETTING, "on" if on else "off"])
        elif on:
            cur.execute("INSERT INTO reports_triggerpause (paused) VALUES (1)")  # PAUSE_TABLE
        else:
            cur.execute("DELETE FROM reports_triggerpause")


@contextmanager
def paused(connection):
    """Insert triggers off for this transaction only, inside a savepoint (an error undoes the pause too)."""
    if not connection.in_atomic_block:
        raise RuntimeError("paused() needs a transaction: the kept tables must be caught up before it commits")
    with transaction.atomic(using=connection.alias):
        _set(connection, True)
        yield
        _set(connection, False)


def catch_up(connection, ids: list[int]) -> None:
    """What the paused insert triggers would have written for these new customers and their first stage
    moves (each has that one move and no follow-up yet): the search index row, +1 per owner and stage, +1
    per owner and due day, the facts row, and the facts' per-day sums. Run while still paused (the facts
    insert would fire the rollup trigger)."""
    if not ids:
        return
    # the ids are one parameter (core.sql.ids_among: the statements stay the same text)
    vendor = connection.vendor
    among, param = ids_among(vendor), ids_param(vendor, ids)
    statements = [stages.catch_up_sql(among), due.catch_up_sql(vendor, among),
                  facts.insert_sql(among), rollup.catch_up_sql(vendor, among)]
    if vendor == "sqlite":
        statements.insert(0, "INSERT INTO customer_search(rowid, search_text) SELECT id, search_text "
                             f"FROM customers_customer WHERE id {among}")
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql, [param] * sql.count(among))
