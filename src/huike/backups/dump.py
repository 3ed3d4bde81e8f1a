"""Reading the database for a backup: which models, a consistent snapshot, rows in primary-key chunks.

Values are written as JSON by field type (dates ISO 8601 in UTC, decimals as strings, bytes as
base64) and read back through each field's to_python, so the dump does not depend on the engine.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

from django.apps import apps
from django.db import connections, models, transaction
from django.utils.duration import duration_iso_string

CHUNK_ROWS = 2000
SNAPSHOT_ALIAS = "huike_backup_snapshot"


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete table of every app, many-to-many link tables included, in a stable order."""
    found = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    return sorted(found, key=lambda m: m._meta.label)


def columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _b64(value) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


ENCODERS: dict[str, Callable[[Any], Any]] = {
    "DateTimeField": dt.datetime.isoformat, "DateField": dt.date.isoformat, "TimeField": dt.time.isoformat,
    "DecimalField": str, "DurationField": duration_iso_string, "UUIDField": str, "BinaryField": _b64,
}


def encoders(model: type[models.Model]) -> list[tuple[int, Callable[[Any], Any]]]:
    """(column index, encoder) for the columns JSON cannot carry as they come; the rest pass as they are."""
    out = []
    for i, f in enumerate(model._meta.concrete_fields):
        kind = f.target_field.get_internal_type() if f.is_relation else f.get_internal_type()
        if kind in ENCODERS:
            out.append((i, ENCODERS[kind]))
    return out


def iter_chunks(model: type[models.Model], alias: str, size: int = CHUNK_ROWS) -> Iterator[list[list[Any]]]:
    """Rows of `model` as encoded lists, `size` at a time, by primary key (never the whole table at once)."""
    cols, todo = columns(model), encoders(model)
    pk = model._meta.pk.attname
    pk_index = cols.index(pk)
    base = model._base_manager.using(alias).order_by(pk)
    last = None
    while True:
        query = base if last is None else base.filter(**{f"{pk}__gt": last})
        rows = [list(row) for row in query.values_list(*cols)[:size]]
        if not rows:
            return
        last = rows[-1][pk_index]
        for row in rows:
            for i, encode in todo:
                if row[i] is not None:
                    row[i] = encode(row[i])
        yield rows
        if len(rows) < size:
            return


def canonical(alias: str = "default") -> dict[str, list[list[Any]]]:
    """Every model's rows, encoded, in primary-key order: what a restore must reproduce (tests, checks)."""
    out: dict[str, list[list[Any]]] = {}
    for model in backed_up_models():
        rows = [row for chunk in iter_chunks(model, alias) for row in chunk]
        out[model._meta.label] = sorted(rows, key=lambda r, i=columns(model).index(model._meta.pk.attname): str(r[i]))
    return out


@contextlib.contextmanager
def snapshot(using: str = "default", workdir: Path | None = None) -> Iterator[str]:
    """An alias whose reads all see one moment of `using`.

    SQLite: the online backup API copies the live database into a temporary file (never a file copy,
    which can catch a half-written page or miss the WAL). PostgreSQL: one REPEATABLE READ transaction.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        # Called inside a transaction (tests, or a caller's own): that transaction's view is the snapshot;
        # SQLite's backup API would wait forever on the write lock this very connection holds.
        yield using
        return
    if connection.vendor != "sqlite":
        with transaction.atomic(using=using):
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield using
        return
    with tempfile.TemporaryDirectory(prefix="snapshot-", dir=workdir) as tmp:
        path = Path(tmp) / "snapshot.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        with attached(path_settings(using, path), SNAPSHOT_ALIAS):
            yield SNAPSHOT_ALIAS


def path_settings(like: str, path: Path) -> dict[str, Any]:
    """Connection settings for an SQLite file, based on the (already complete) settings of `like`."""
    base = dict(connections.settings[like])
    return {**base, "ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": {}}


def url_settings(url: str) -> dict[str, Any]:
    """Complete connection settings for a database URL (as DATABASE_URL takes it)."""
    import dj_database_url

    return connections.configure_settings({"default": dj_database_url.parse(url)})["default"]


@contextlib.contextmanager
def attached(settings_dict: dict[str, Any], alias: str) -> Iterator[str]:
    """A connection under `alias` for the duration of the block (snapshots, restore targets in tests).

    The wrapper is created directly rather than added to DATABASES: it is a private, short-lived
    connection that nothing else (routers, test isolation, `connections.all()`) should see.
    """
    from django.db.utils import load_backend

    connections[alias] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
