"""Writing a verified backup into a database: checks first, then one transaction that replaces every row."""
from __future__ import annotations

import importlib
from typing import Any, Callable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import IntegrityError, connections, models

from huike.reports import paused

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


def _number_to_decimal(field: models.Field) -> Callable[[Any], Any]:
    convert = dump.decimal_from_sqlite(field)
    return lambda value: value if type(value) is str else convert(value)


class BulkWriter:
    """Format 2: wire values written as they come — executemany on SQLite, COPY FROM STDIN on PostgreSQL.

    Only columns of a type without a wire form (none today) are converted, by the field, once per value.
    A table's chunks arrive one after another, so one COPY stays open per table; close() ends the last."""

    def __init__(self, alias: str):
        self.connection = connections[alias]
        self.connection.ensure_connection()
        self.postgres = self.connection.vendor == "postgresql"
        self._plans: dict[tuple[str, tuple[str, ...]], tuple[str, list]] = {}
        self._copying: tuple[str, tuple[str, ...]] | None = None
        self._copy = self._cursor = None
        if self.postgres:
            with self.connection.cursor() as cur:  # wire datetimes are UTC without an offset
                cur.execute("SET LOCAL TimeZone TO 'UTC'")
                cur.execute("SET LOCAL DateStyle TO ISO")

    def insert(self, label: str, cols: list[str], rows: list[list[Any]]) -> None:
        key = (label, tuple(cols))
        sql, todo = self._plan(key)
        if todo:
            for row in rows:
                for i, convert in todo:
                    if row[i] is not None:
                        row[i] = convert(row[i])
        if not self.postgres:
            self.connection.connection.executemany(sql, rows)
            return
        if self._copying != key:
            self.close()
            self._cursor = self.connection.connection.cursor()
            self._copy = self._cursor.copy(sql)
            self._rows = self._copy.__enter__()
            self._copying = key
        write = self._rows.write_row
        for row in rows:
            write(row)

    def close(self, error: BaseException | None = None) -> None:
        """End the open COPY; with `error`, abandon it (the server discards it; the caller rolls back)."""
        if self._copy is not None:
            copy, cursor, self._copy, self._cursor, self._copying = self._copy, self._cursor, None, None, None
            try:
                copy.__exit__(type(error) if error else None, error, None)
            finally:
                cursor.close()

    def _plan(self, key: tuple[str, tuple[str, ...]]):
        if key not in self._plans:
            label, cols = key
            model = apps.get_model(label)
            by_attname = {f.attname: f for f in model._meta.concrete_fields}
            if set(cols) != set(by_attname) or len(cols) != len(by_attname):
                raise BackupError(_msg(f"The columns of {label} in the backup differ from this version's",
                                       f"备份中 {label} 的字段与本版本不同"))
            qn = self.connection.ops.quote_name
            fields = [by_attname[c] for c in cols]
            names = ", ".join(qn(f.column) for f in fields)
            if self.postgres:
                sql = f"COPY {qn(model._meta.db_table)} ({names}) FROM STDIN"
            else:
                sql = f"INSERT INTO {qn(model._meta.db_table)} ({names}) VALUES ({', '.join(['?'] * len(fields))})"
            todo = [(i, _converter(f, self.connection)) for i, f in enumerate(fields) if dump.kind(f) not in dump.WIRE_KINDS]
            if self.postgres:  # decimals from SQLite come as the number it stored: read as Django reads it there
                todo += [(i, _number_to_decimal(f)) for i, f in enumerate(fields) if dump.kind(f) == "DecimalField"]
            self._plans[key] = (sql, todo)
        return self._plans[key]


class Rebuilt:
    """Indexes and foreign keys taken off the tables for the load and put back once at the end (as pg_restore
    does): each index is built in one pass and each foreign key checked by one join, instead of row by row.
    SQLite's customer search index (FTS5) is rebuilt from the restored customers the same way. All of it is
    DDL inside the restore's transaction, so a failed restore rolls it back with everything else."""

    def __init__(self, alias: str):
        self.connection = connections[alias]
        self.tables = [m._meta.db_table for m in dump.backed_up_models()]
        self.after: list[str] = []

    def take_off(self) -> None:
        with self.connection.cursor() as cur:
            if self.connection.vendor == "postgresql":
                self._take_off_postgres(cur)
            else:
                self._take_off_sqlite(cur)

    def _take_off_sqlite(self, cur) -> None:
        search_index = importlib.import_module("huike.customers.migrations.0004_list_indexes_and_search")
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'customer_search'")
        search = cur.fetchone() is not None
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    f"AND tbl_name IN ({', '.join(['%s'] * len(self.tables))}) ORDER BY name", self.tables)
        indexes = cur.fetchall()
        for name, _sql in indexes:
            cur.execute(f"DROP INDEX {self.connection.ops.quote_name(name)}")
        self.after += [sql for _name, sql in indexes]
        if search:
            for sql in search_index.FTS_DROP[:3]:  # the row triggers; the index is rebuilt in one go after
                cur.execute(sql)
            self.after += paused.search_index_sql()

    def _take_off_postgres(self, cur) -> None:
        # a constraint cannot be dropped while it has checks queued in this transaction (rows written
        # before the restore began, as in a caller's own transaction): run them now
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                    "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                    "WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = ANY(%s) "
                    "ORDER BY t.relname, c.conname", [self.tables])
        foreign_keys = cur.fetchall()
        cur.execute("SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                    "JOIN pg_namespace n ON n.oid = t.relnamespace "
                    "WHERE n.nspname = current_schema() AND t.relname = ANY(%s) AND NOT EXISTS ("
                    "SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid "
                    "AND c.contype IN ('p', 'u', 'x')) ORDER BY i.relname", [self.tables])
        indexes = cur.fetchall()
        qn = self.connection.ops.quote_name
        for table, name, _definition in foreign_keys:
            cur.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _definition in indexes:
            cur.execute(f"DROP INDEX {qn(name)}")
        self.after += [definition for _name, definition in indexes]
        self.after += [f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}"
                       for table, name, definition in foreign_keys]

    def put_back(self) -> None:
        """Build the indexes and add the keys again; rows that break one refuse the restore (rolled back)."""
        with self.connection.cursor() as cur:
            try:
                for sql in self.after:
                    cur.execute(sql)
            except IntegrityError as e:
                raise refused(str(e).splitlines()[0]) from None
            if self.connection.vendor == "sqlite":
                # foreign keys were not checked row by row (services turn them off around the transaction
                # where SQLite allows it): one pass over them all now
                cur.execute("PRAGMA foreign_key_check")
                broken = cur.fetchmany(3)
                if broken:
                    raise refused("FOREIGN KEY: " + "; ".join(f"{t} rowid {r} → {p}" for t, r, p, _ in broken))
        self.after = []


def refused(detail: str) -> BackupError:
    return BackupError(_msg(f"The backup's rows break this database's constraints ({detail}); nothing was restored",
                            f"备份中的数据违反本数据库的约束（{detail}），未恢复任何数据"))


def derived_table_triggers():
    """Modules that keep summary tables by triggers: off while every table (theirs too) is loaded as it was."""
    from huike.reports import due, facts, rollup, stages, summary

    return [summary, facts, stages, rollup, due]


def wipe(alias: str) -> None:
    """Empty every table of every app (foreign keys are deferred, so the order does not matter).
    PostgreSQL: one TRUNCATE of them all (transactional there, and no per-row work)."""
    connection = connections[alias]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in dump.backed_up_models())
            cur.execute(f"TRUNCATE {tables}")
            return
        for model in dump.backed_up_models():
            cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def reset_sequences(alias: str) -> None:
    """PostgreSQL: identity sequences continue after the largest restored key."""
    connection = connections[alias]
    statements = connection.ops.sequence_reset_sql(no_style(), dump.backed_up_models())
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
