"""Reading the database for a backup: which models, a consistent snapshot, rows in primary-key chunks.

Format 2 (`raw_chunks`): one SELECT per table in primary-key order through the driver's own cursor,
with the engine-specific part done once per column in the SELECT (PostgreSQL casts datetimes, dates,
decimals and JSON to their text; SQLite's stored values need nothing), so no value passes through
Python code on the way out. The values mean the same on both engines (the "wire" form):

    DateTimeField  "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, no offset (how Django stores it in SQLite)
    DateField / TimeField  ISO 8601 text
    DecimalField   text with the field's decimal places (PostgreSQL), or the number SQLite stores (REAL or
                   INTEGER, carried exactly by JSON); a restore into PostgreSQL turns such a number into the
                   text Django would read from SQLite (load.BulkWriter), one into SQLite stores it as it was
    BooleanField   0 / 1                       JSONField     the JSON document as text
    GenericIPAddressField  the address text    integers, floats, text  as they are

Other field types (none today) go through Django's converters and the format 1 encoders (`ENCODERS`).
Format 1 (`iter_chunks`, kept for `canonical` and for restoring old files) went through the ORM.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

from django.apps import apps
from django.db import connections, models, transaction
from django.utils.duration import duration_iso_string

CHUNK_ROWS = 2000
SNAPSHOT_ALIAS = "huike_backup_snapshot"
SNAPSHOT_PAGES = 4096  # pages per step of SQLite's online backup (16 MiB at 4 KiB pages)


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete table of every app, many-to-many link tables included, in a stable order."""
    found = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    return sorted(found, key=lambda m: m._meta.label)


def columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _b64(value) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def decimal_text(value: decimal.Decimal) -> str:
    """A decimal's text; a negative zero (what float arithmetic in SQLite's summary triggers can leave, and
    what SQLite cannot store again) is written as zero, the same number."""
    return str(value.copy_abs() if not value else value)


ENCODERS: dict[str, Callable[[Any], Any]] = {
    "DateTimeField": dt.datetime.isoformat, "DateField": dt.date.isoformat, "TimeField": dt.time.isoformat,
    "DecimalField": decimal_text, "DurationField": duration_iso_string, "UUIDField": str, "BinaryField": _b64,
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


WIRE_KINDS = {"DateTimeField", "DateField", "TimeField", "DecimalField", "BooleanField", "JSONField",
              "GenericIPAddressField", "CharField", "TextField", "EmailField", "SlugField", "URLField", "FileField",
              "ImageField", "FilePathField", "IntegerField", "BigIntegerField", "SmallIntegerField",
              "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField", "AutoField",
              "BigAutoField", "SmallAutoField", "FloatField"}


def kind(field: models.Field) -> str:
    return field.target_field.get_internal_type() if field.is_relation else field.get_internal_type()


def decimal_from_sqlite(field: models.Field) -> Callable[[Any], Any]:
    """SQLite keeps decimals as REAL (or INTEGER): the text Django's own converter gives for one, exactly."""
    from_float = decimal.Context(prec=15).create_decimal_from_float
    quantum, context = decimal.Decimal(1).scaleb(-field.decimal_places), field.context

    def convert(value):
        number = decimal.Decimal(value) if isinstance(value, str) else from_float(value)
        return decimal_text(number.quantize(quantum, context=context))
    return convert


def _fallback(field: models.Field, connection) -> Callable[[Any], Any]:
    """A type without a wire form of its own: Django's read converters, then the format 1 encoder."""
    found = connection.ops.get_db_converters(field.cached_col) + field.get_db_converters(connection)
    encode = ENCODERS.get(kind(field))
    expression = field.cached_col

    def convert(value):
        for converter in found:
            value = converter(value, expression, connection)
        return encode(value) if encode and value is not None else value
    return convert


def read_plan(model: type[models.Model], connection) -> tuple[str, list[tuple[int, Callable[[Any], Any]]]]:
    """The SELECT (every concrete column, primary-key order) and the (index, converter) pairs it needs."""
    qn, postgres = connection.ops.quote_name, connection.vendor == "postgresql"
    exprs, todo = [], []
    for i, f in enumerate(model._meta.concrete_fields):
        col, k = qn(f.column), kind(f)
        if k not in WIRE_KINDS:
            exprs.append(col)
            todo.append((i, _fallback(f, connection)))
        elif postgres:
            exprs.append({"DateTimeField": f"({col} AT TIME ZONE 'UTC')::text", "DateField": f"{col}::text",
                          "TimeField": f"{col}::text", "DecimalField": f"{col}::text", "BooleanField": f"{col}::int",
                          "JSONField": f"{col}::text", "GenericIPAddressField": f"host({col})"}.get(k, col))
        else:
            # SQLite: "+col" is the stored value without the decltype converters Django registers
            exprs.append(f"+{col}" if k in ("DateTimeField", "DateField", "TimeField", "BooleanField") else col)
    sql = f"SELECT {', '.join(exprs)} FROM {qn(model._meta.db_table)} ORDER BY {qn(model._meta.pk.column)}"
    return sql, todo


def raw_chunks(model: type[models.Model], alias: str, size: int = CHUNK_ROWS) -> Iterator[list[list[Any]]]:
    """Rows of `model` in the wire form (format 2), `size` at a time, in primary-key order.

    One query per table read in pieces (SQLite steps through it; PostgreSQL through a server-side
    cursor), so memory does not grow with the table."""
    connection = connections[alias]
    sql, todo = read_plan(model, connection)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL DateStyle TO ISO")
            cur.execute("SET LOCAL TimeZone TO 'UTC'")
        cursor = connection.connection.cursor(name=f"huike_backup_{model._meta.db_table}")
    else:
        cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(size):
            if todo:
                rows = [list(row) for row in rows]
                for row in rows:
                    for i, convert in todo:
                        if row[i] is not None:
                            row[i] = convert(row[i])
            yield rows
    finally:
        cursor.close()


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
        source = connection.connection
        # an in-memory database maps nothing and answers the pragma with no row
        mapped = (source.execute("PRAGMA mmap_size").fetchone() or [None])[0]
        if mapped:
            source.execute("PRAGMA mmap_size = 0")  # read through the page cache: mapped pages count as memory
        try:
            # in steps: copied all at once, SQLite keeps every page of the copy in memory until it ends
            # (the peak grew with the database); between steps a write elsewhere restarts the copy,
            # so the snapshot is still one moment
            source.backup(target, pages=SNAPSHOT_PAGES)
        finally:
            if mapped:
                source.execute(f"PRAGMA mmap_size = {int(mapped)}")
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
