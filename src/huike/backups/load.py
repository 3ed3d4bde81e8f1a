"""Writing a verified backup into a database: checks first, then one transaction that replaces every row."""
from __future__ import annotations

from typing import Any, Callable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connections, models

from . import archive, dump
from .crypto import BackupError, _msg

# Values that JSON carries exactly as the database takes them; every other type goes through the field.
PLAIN = {"CharField", "TextField", "EmailField", "SlugField", "URLField", "IntegerField", "BigIntegerField",
         "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField",
         "AutoField", "BigAutoField", "SmallAutoField", "FloatField"}


def check_target(manifest: archive.Manifest, alias: str, *, force: bool) -> None:
    """Refuse (BackupError) unless the target has exactly the backup's schema and, without force, no data."""
    applied = {tuple(m) for m in archive.applied_migrations(alias)}
    if not applied:
        raise BackupError(_msg("The target database has no tables yet: run `huike migrate` first",
                               "目标数据库尚未建表：请先运行 `huike migrate`"))
    if applied != manifest.migrations:
        missing = sorted(manifest.migrations - applied)[:3]
        extra = sorted(applied - manifest.migrations)[:3]
        raise BackupError(_msg(
            f"The backup was made by Huike {manifest.header['app_version']} with a different database schema "
            f"(only in the backup: {missing}; only here: {extra}); restore it with the same version, then upgrade",
            "备份与当前数据库结构版本不同；请用与备份相同的版本恢复，再升级"))
    for label in manifest.header["models"]:
        try:
            apps.get_model(label)
        except LookupError:
            raise BackupError(_msg(f"The backup has a table this version does not know: {label}",
                                   f"备份中有本版本不认识的数据表：{label}")) from None
    if not force and _holds_data(alias):
        raise BackupError(_msg("The target database already holds users or customers; restore into an empty "
                               "database, or pass --force to replace everything in it",
                               "目标数据库中已有用户或客户数据；请恢复到空数据库，或使用 --force 覆盖全部数据"))


def _holds_data(alias: str) -> bool:
    customer = apps.get_model("customers", "Customer")
    return get_user_model()._base_manager.using(alias).exists() or customer._base_manager.using(alias).exists()


def _converter(field: models.Field, connection) -> Callable[[Any], Any] | None:
    kind = field.target_field.get_internal_type() if field.is_relation else field.get_internal_type()
    if kind in PLAIN:
        return None
    if kind == "BooleanField":
        return bool
    return lambda v: field.get_db_prep_save(field.to_python(v), connection)


class Inserter:
    """INSERT statements and value converters per (model, columns), built once."""

    def __init__(self, alias: str):
        self.connection = connections[alias]
        self._plans: dict[tuple[str, tuple[str, ...]], tuple[str, list]] = {}

    def insert(self, label: str, cols: list[str], rows: list[list[Any]]) -> None:
        sql, converters = self._plan(label, tuple(cols))
        todo = [(i, c) for i, c in enumerate(converters) if c]
        if todo:
            for row in rows:
                for i, convert in todo:
                    if row[i] is not None:
                        row[i] = convert(row[i])
        with self.connection.cursor() as cur:
            cur.executemany(sql, rows)

    def _plan(self, label: str, cols: tuple[str, ...]):
        key = (label, cols)
        if key not in self._plans:
            model = apps.get_model(label)
            by_attname = {f.attname: f for f in model._meta.concrete_fields}
            if set(cols) != set(by_attname):
                raise BackupError(_msg(f"The columns of {label} in the backup differ from this version's",
                                       f"备份中 {label} 的字段与本版本不同"))
            qn = self.connection.ops.quote_name
            fields = [by_attname[c] for c in cols]
            sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
                   f"VALUES ({', '.join(['%s'] * len(fields))})")
            self._plans[key] = (sql, [_converter(f, self.connection) for f in fields])
        return self._plans[key]


def derived_table_triggers():
    """Modules that keep summary tables by triggers: off while every table (theirs too) is loaded as it was."""
    from huike.reports import due, facts, rollup, stages, summary

    return [summary, facts, stages, rollup, due]


def wipe(alias: str) -> None:
    """Empty every table of every app (foreign keys are deferred, so the order does not matter)."""
    connection = connections[alias]
    with connection.cursor() as cur:
        for model in dump.backed_up_models():
            cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def reset_sequences(alias: str) -> None:
    """PostgreSQL: identity sequences continue after the largest restored key."""
    connection = connections[alias]
    statements = connection.ops.sequence_reset_sql(no_style(), dump.backed_up_models())
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
