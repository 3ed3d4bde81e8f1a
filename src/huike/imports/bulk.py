"""Plain multi-row INSERTs for the import's new rows: each field's database adapter is chosen once per
batch instead of being looked up per value (bulk_create spends most of an import's time there).

SQLite gets INSERTs of many rows each (the sqlite3 module's executemany steps one row per call, about
three times the cost), PostgreSQL a COPY (one statement for the whole batch instead of one per row)."""
from __future__ import annotations

import functools
import json
from itertools import chain
from operator import attrgetter
from typing import Any, Callable

from django.db import connection, models
from psycopg._copy_base import format_row_text  # what copy.write_row calls (psycopg's C formatter)
from psycopg.adapt import Transformer


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a value is handed to the driver; None: as it is (text, numbers, booleans, ids)."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return lambda v: ops.adapt_datetimefield_value(v) if v is not None else None
    if kind == "DateField":
        return lambda v: ops.adapt_datefield_value(v) if v is not None else None
    if kind == "DecimalField":
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if kind == "JSONField":
        return lambda v: field.get_db_prep_save(v, connection)
    return None


def insert(model: type[models.Model], objects: list[models.Model]) -> None:
    """INSERT the objects (all concrete fields but the id). auto_now fields must be set by the caller."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = attrgetter(*(f.attname for f in fields))
    adapted = [(i, a) for i, a in enumerate(map(_adapter, fields)) if a is not None]
    rows = []
    for obj in objects:
        row = list(values(obj))
        for i, adapt in adapted:
            row[i] = adapt(row[i])
        rows.append(row)
    insert_rows(model._meta.db_table, [f.column for f in fields], rows)


def among() -> str:
    """`IN` a list of texts passed as ONE parameter, their JSON array (see list_param). One statement text
    for any number of values (prepared once; the driver's statement cache does not fill with one text per
    batch), and the planner still uses the column's index (PostgreSQL: `= ANY` of the array, evaluated
    once). A JSON text is one string for the driver to quote: a Python list is dumped value by value on the
    client: about a tenth of the run process's time in a PostgreSQL import of 5,000-row batches."""
    if connection.vendor == "postgresql":
        return "= ANY(ARRAY(SELECT jsonb_array_elements_text(%s::jsonb)))"
    return "IN (SELECT value FROM json_each(%s))"


def list_param(values) -> str:
    """The parameter for among()."""
    return json.dumps(list(values), ensure_ascii=False)


def copy_text(values: list) -> bytes:
    """PostgreSQL: a row's values as one line of COPY text (tab-separated, escaped, NULL as \\N), written
    by psycopg's own formatter with its default adapters, as `copy.write_row` writes it. Needs no
    connection: the import's preparing process writes its rows' lines (feeds.process_feed)."""
    out = bytearray()
    format_row_text(values, _transformer(), out)
    return bytes(out)


def copy_rows(table: str, columns: list[str], heads: list[list], tails: list[bytes]) -> None:
    """PostgreSQL: COPY rows each given as the values of its first columns (`heads`) and the COPY text of
    the others (`tails`, from copy_text)."""
    out = bytearray()
    tx = _transformer()
    for head, tail in zip(heads, tails, strict=True):
        format_row_text(head, tx, out)
        out[-1] = 9  # the head's line end becomes the tab before the tail's columns
        out += tail
    qn = connection.ops.quote_name
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {qn(table)} ({', '.join(map(qn, columns))}) FROM STDIN") as copy:
        copy.write(out)


@functools.cache
def _transformer() -> Transformer:
    return Transformer()


def insert_rows(table: str, columns: list[str], rows: list[list]) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    head = f"{qn(table)} ({', '.join(map(qn, columns))})"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {head} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    connection.ensure_connection()
    # SQLite: the sqlite3 connection itself, with its own "?" placeholders (Django's cursor rewrites every
    # "%s" of each statement text with a regular expression: a tenth of the insert's time at 100 rows of
    # 44 columns per statement). Same connection, so the same transaction; errors become Django's (a
    # duplicate phone's IntegrityError is retried by the run).
    raw = connection.connection
    one = f"({', '.join(['?'] * len(columns))})"
    per = max(1, min(100, _max_params() // len(columns)))
    full = len(rows) - len(rows) % per
    with connection.wrap_database_errors:
        if full:  # one statement text for every full group (prepared once, kept in the driver's cache)
            sql = f"INSERT INTO {head} VALUES {', '.join([one] * per)}"
            for start in range(0, full, per):
                raw.execute(sql, list(chain.from_iterable(rows[start:start + per])))
        if full < len(rows):
            raw.executemany(f"INSERT INTO {head} VALUES {one}", rows[full:])


def _max_params() -> int:
    """SQLite's limit on parameters per statement (999 in old builds, Django's assumption)."""
    import sqlite3

    try:
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, sqlite3.Error):
        return connection.features.max_query_params
