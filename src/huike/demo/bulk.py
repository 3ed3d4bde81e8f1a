"""Fast inserts of plain rows: executemany on SQLite, COPY on PostgreSQL.

bulk_create spends most of its time compiling SQL for each model instance (and
SQLite's 999-parameter limit makes its batches tiny); for millions of child
rows we convert values once per column and hand the driver plain tuples.
The value forms are the ones Django's own backends write (UTC text on SQLite).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable

from django.db import connection, models

CHUNK = 5000
_UTC = dt.timezone.utc


def _sqlite_datetime(v):
    return None if v is None else str(v.astimezone(_UTC).replace(tzinfo=None))


def _sqlite_text(v):
    return None if v is None else str(v)


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    if connection.vendor != "sqlite":
        return None  # psycopg adapts aware datetimes, dates, Decimals and booleans itself
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _sqlite_datetime
    if kind in ("DateField", "DecimalField"):
        return _sqlite_text
    return None


class RowWriter:
    """Columns of `model` (all concrete fields but the auto primary key); rows are dicts by attname."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key or not f.auto_created]
        self.fields = [f for f in self.fields if not isinstance(f, models.AutoField)]
        self.columns = [f.column for f in self.fields]
        self.defaults = {f.attname: f.get_default() for f in self.fields if f.has_default() or f.null}
        self.converters = [(i, c) for i, f in enumerate(self.fields) if (c := _converter(f))]
        self.attnames = [f.attname for f in self.fields]

    def tuples(self, rows: Iterable[dict]) -> list[tuple]:
        out = []
        defaults, attnames, converters = self.defaults, self.attnames, self.converters
        for row in rows:
            values = [row[a] if a in row else defaults[a] for a in attnames]
            for i, conv in converters:
                values[i] = conv(values[i])
            out.append(tuple(values))
        return out

    def write(self, rows: list[dict]) -> int:
        values = self.tuples(rows)
        if not values:
            return 0
        qn = connection.ops.quote_name
        table, cols = qn(self.model._meta.db_table), ", ".join(qn(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for v in values:
                        copy.write_row(v)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
                for start in range(0, len(values), CHUNK):
                    cursor.executemany(sql, values[start:start + CHUNK])
        return len(values)
