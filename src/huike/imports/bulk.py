"""Plain multi-row INSERTs for the import's new rows: each field's database adapter is chosen once per
batch instead of being looked up per value (bulk_create spends most of an import's time there)."""
from __future__ import annotations

from typing import Any, Callable

from django.db import connection, models


def _adapter(field: models.Field) -> Callable[[Any], Any]:
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
    return lambda v: v


def insert(model: type[models.Model], objects: list[models.Model]) -> None:
    """INSERT the objects (all concrete fields but the id). auto_now fields must be set by the caller."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapters = [(f.attname, _adapter(f)) for f in fields]
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    rows = [[adapt(getattr(obj, name)) for name, adapt in adapters] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
