"""Customer rows, set-based: one batch = one duplicate query, one code allocation, bulk inserts.

New customers are built exactly as `customers.services.customer_create` builds them (the same
validation, duplicate keys, code sequence, search fields, cadence, stage history and one audit entry per
customer); matched customers are updated through `customer_update` itself, row by row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.audit.services import audit_record
from huike.core.errors import DomainError, DuplicateCustomer, FieldErrors, Forbidden
from huike.core.models import Sequence
from huike.customers import services as customer_services
from huike.customers.cadence import due_fields
from huike.customers.domain.names import customer_code
from huike.customers.models import Customer, StageChange, Tag
from huike.customers.validation import OPTION_FIELDS, clean_customer
from huike.reports import paused

from . import bulk
from . import columns as col

KEYS = ("phone", "email", "credit_code")
DATE_FIELDS = {"expected_close_date"}
MOMENT_FIELDS = {"first_contact_at"}
BOOL_FIELDS = {"core_business", "proactive_collaboration", "new_demand"}
ENUM_FIELDS = {"kind", "intent", "stage", *OPTION_FIELDS}


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, field, message)

    @property
    def failed_rows(self) -> int:
        return len({row for row, _f, _m in self.errors})


def _plan(ctx) -> list[tuple[int, str, str | None]]:
    """(column, field, kind of conversion) for the mapped columns; None: plain text."""
    def kind(name: str) -> str | None:
        if name in BOOL_FIELDS:
            return "bool"
        if name in DATE_FIELDS:
            return "date"
        if name in MOMENT_FIELDS:
            return "moment"
        if name == "tags":
            return "tags"
        return "enum" if name in ENUM_FIELDS else None
    plan = ctx.__dict__.get("_plan")
    if plan is None:  # once per run
        plan = ctx.__dict__["_plan"] = [(index, name, kind(name)) for index, name in ctx.fields]
    return plan


def _enum_memo(ctx) -> dict[tuple[str, str], str]:
    """{(field, cell text): stored key} of the run (the enum indexes are fixed for the run)."""
    memo = ctx.__dict__.get("_enum_memo")
    if memo is None:
        memo = ctx.__dict__["_enum_memo"] = {}
    return memo


def convert(ctx, cells: list) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Cells → service input (keys for labels, dates, booleans, tag lists); conversion problems listed."""
    data: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    text = col.text
    memo = _enum_memo(ctx)
    for index, name, kind in _plan(ctx):
        value = cells[index]
        if kind is None:  # plain text, most columns
            data[name] = text(value)
            continue
        try:
            if kind == "bool":
                if text(value):  # an empty cell leaves the flag as it is (off for a new customer)
                    data[name] = col.boolean(name, value)
            elif kind == "date":
                data[name] = col.date(name, value)
            elif kind == "moment":
                data[name] = col.moment(name, value)
            elif kind == "tags":
                data[name] = col.tags(value)
            else:
                raw = text(value)
                if not raw:
                    data[name] = ""
                    continue
                found = memo.get((name, raw))
                if found is None:  # a column holds a few distinct labels: each normalised once per run
                    found = ctx.enums[name].get(col.normalise_header(raw), raw)
                    if len(memo) < 100_000:
                        memo[(name, raw)] = found
                data[name] = found
        except col.CellError as e:
            problems.append((e.field, e.message))
    for name in ("kind", "intent", "stage"):
        if name in data and not data[name]:
            del data[name]  # an empty cell keeps the default, as on the form
    return data, problems


def _owner(ctx, data: dict[str, Any]):
    """The owner column's user (username or display name), if the importer may give them customers."""
    name = data.pop("owner", "")
    if not name:
        return None
    owner = ctx.users.get(name.strip().lower())
    if owner is None:
        raise FieldErrors.single("owner", _("No active user is called “%(name)s”.") % {"name": name})
    if owner.pk != ctx.actor.pk:
        try:
            policies.require_assign(ctx.actor, owner)
        except Forbidden as e:
            raise FieldErrors.single("owner", e.message) from None
    return owner


def _existing(valid: list[dict]) -> tuple[dict[tuple[str, str], int], set[int]]:
    """{(key field, value): customer id} over live customers, from one query for the whole batch: one
    indexed lookup per key (the partial unique indexes of phone, email and credit code, the code's own)."""
    params = [bulk.list_param(sorted({v["keys"][i] for v in valid} - {""})) for i in range(len(KEYS))]
    params.append(bulk.list_param(sorted({v["code"] for v in valid if v["code"]})))
    found: dict[tuple[str, str], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(_existing_sql(), params)
        for pk, *values in cursor.fetchall():
            for f, value in zip((*KEYS, "code"), values):
                if value:
                    found[(f, value)] = pk
    return found, set(found.values())


def _existing_sql() -> str:
    """Live customers with any of the given phones, emails, credit codes or codes. A key's lookup repeats
    its unique index's condition (`NOT (phone = '')`) so that SQLite and PostgreSQL use that partial index
    (without it SQLite scanned the whole table once per batch)."""
    table, among = Customer._meta.db_table, bulk.among()
    parts = [f"SELECT id, {', '.join(KEYS)}, code FROM {table} WHERE {f} {among}"
             + (f" AND NOT ({f} = '')" if f in KEYS else "") + " AND deleted_at IS NULL" for f in (*KEYS, "code")]
    return " UNION ".join(parts)


@dataclass
class Prepared:
    """A batch checked without the database: the rows with errors, and the valid rows. A valid row is
    {"row": its number, "keys": its (phone, email, credit code), "contact": its first contact moment,
    "stage", "intent", "tags", "owner", "code": the code cell, "rest": its search text but the code, "data":
    the converted cells (for an update; None in a run that skips duplicates), and the customer table's
    insert values as far as the row decides them (see _create for the rest): on SQLite "record", all the
    columns' values, on PostgreSQL "line", the COPY text of the columns the row decides (_Columns.by_row)}.
    Few, flat values: a prepared batch is sent between processes (feeds.process_feed)."""
    errors: list[tuple[int, str, str]]
    valid: list[dict]


def prepare(ctx, rows: list[tuple[int, list]]) -> Prepared:
    """Conversion, owner, validation and the derived columns of each row. Reads nothing from the database
    (the run prepares the next batches in another process or thread while it writes)."""
    errors, valid = [], []
    cols = _columns(ctx)
    index, adapt = cols.index, cols.adapt
    updating = ctx.on_duplicate == "update"
    for number, cells in rows:
        data, problems = convert(ctx, cells)
        code = data.pop("code", "").strip().upper()
        cleaned = None
        try:
            owner = _owner(ctx, data)
            if not problems:
                cleaned = clean_customer(data)
        except FieldErrors as e:
            problems += [(f, m) for f, ms in e.errors.items() for m in ms]
        if problems:
            errors += [(number, f, m) for f, m in problems]
            continue
        record = list(cols.defaults)
        for name, value in cleaned.items():
            if name != "tags":
                record[index[name]] = adapt[name](value) if name in adapt else value
        rest, record[index["name_key"]] = customer_services.search_fields_but_code(
            *(cleaned.get(f, "") for f in _SEARCHED))
        v = {"row": number, "keys": tuple(cleaned.get(f) or "" for f in KEYS),
             "contact": cleaned.get("first_contact_at"), "stage": record[index["stage"]],
             "intent": record[index["intent"]], "tags": cleaned.get("tags") or [], "owner": owner, "code": code,
             "rest": rest, "data": data if updating else None}
        if cols.copy:
            v["line"] = bulk.copy_text([record[i] for i in cols.by_row])
        else:
            v["record"] = record
        valid.append(v)
    return Prepared(errors, valid)


_SEARCHED = ("name", "contact_name", "phone", "email")


def process(ctx, rows: list[tuple[int, list]], prepared: Prepared | None = None) -> Outcome:
    """Duplicates, creates and updates of a batch (prepared by `prepare`, here unless given)."""
    prepared = prepared or prepare(ctx, rows)
    out = Outcome(errors=list(prepared.errors))
    valid = prepared.valid
    found, ids = _existing(valid)
    visible = set(policies.scoped(ctx.actor, Customer.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    creates, updates, seen = [], [], {}
    for v in valid:
        keys = [(f, value) for f, value in zip(KEYS, v["keys"]) if value]
        matches = {found[k] for k in [*keys, ("code", v["code"])] if k in found}
        if len(matches) > 1:
            out.errors.append((v["row"], keys[0][0] if keys else "code", _(
                "The row matches %(n)d different existing customers; fix the phone, email or credit code.") % {
                "n": len(matches)}))
        elif any(k in seen for k in keys) and not matches:
            out.skipped += 1  # the same customer appears twice in the file: the first row counts
        elif matches and ctx.on_duplicate == "skip":
            out.skipped += 1
        elif matches:
            pk = matches.pop()
            if pk in visible:
                updates.append((v, pk))
            else:
                out.errors.append((v["row"], keys[0][0] if keys else "code", _(
                    "This customer already exists and belongs to someone whose customers you cannot see.")))
        else:
            seen.update({k: v["row"] for k in keys})
            creates.append(v)
    _create(ctx, creates)
    out.created = len(creates)
    for v, pk in updates:
        if _update(ctx, v, pk, out):
            out.updated += 1
    return out


class _Columns:
    """The customer table's insert columns, their values for a customer made with no input (the model's
    defaults, adapted for the database once), and how a given field's value is adapted (the database's own
    adaptation, which reads no data)."""

    def __init__(self):
        fields = [f for f in Customer._meta.concrete_fields if not f.primary_key]
        self.names = [f.column for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.adapt = {f.attname: a for f in fields if (a := bulk._adapter(f)) is not None}
        blank = Customer()
        self.defaults = [self.adapt[f.attname](getattr(blank, f.attname)) if f.attname in self.adapt
                         else getattr(blank, f.attname) for f in fields]
        # The columns the run decides for a new customer (_create), in this order; the others the row does.
        self.by_run = [self.index[name] for name in _BY_RUN]
        self.by_row = [i for i in range(len(fields)) if i not in self.by_run]
        # PostgreSQL: the preparer writes the COPY text of the row's columns, the run puts the id and the
        # columns it decides in front of it (bulk.copy_rows): the run's process formats 11 values a row, not 44
        self.copy = connection.vendor == "postgresql"
        self.copy_names = ["id", *(self.names[i] for i in self.by_run), *(self.names[i] for i in self.by_row)]


_BY_RUN = ("code", "owner_id", "created_by_id", "created_at", "updated_at", "stage_changed_at",
           "registered_late", "search_text", "next_followup_at", "next_followup_reason")


def _columns(ctx) -> _Columns:
    cols = ctx.__dict__.get("_columns")
    if cols is None:  # once per run
        cols = ctx.__dict__["_columns"] = _Columns()
    return cols


def _create(ctx, rows: list[dict]) -> None:
    """The new customers as customer_create makes them (see the module doc), written as plain rows: the
    derived columns are computed here once per row, the cadence once per distinct input in the batch."""
    if not rows:
        return
    now = timezone.now()
    first = Sequence.take("customer", len(rows))
    cols = _columns(ctx)
    adapt = cols.adapt
    at = connection.ops.adapt_datetimefield_value(now)
    window = customer_services.REGISTRATION_WINDOW_HOURS * 3600
    registered_default = cols.defaults[cols.index["registered_late"]]
    dues: dict[tuple, tuple] = {}
    run_values, codes = [], []
    for i, v in enumerate(rows):
        code = customer_code(first + i)
        contact = v["contact"]
        key = (contact or now, v["stage"], v["intent"])
        if key not in dues:  # refresh_cadence of a new customer: no follow-up yet, nothing planned, no class
            due_at, reason = due_fields(last=key[0], stage=key[1], intent=key[2], value_class=None,
                                        rules=ctx.rules, planned=None)
            dues[key] = (adapt["next_followup_at"](due_at), reason)
        run_values.append([code, (v["owner"] or ctx.actor).pk, ctx.actor.pk, at, at, at,
                           (now - contact).total_seconds() > window if contact else registered_default,
                           customer_services.with_code(code, v["rest"]), *dues[key]])  # in _BY_RUN's order
        codes.append(code)
    # The kept tables' insert triggers wait while the customers and their first stage move are written;
    # catch_up then writes what they would have, set-based, in this transaction (reports/paused.py).
    with paused.paused(connection):
        pks = _insert_customers(cols, rows, run_values, codes)
        bulk.insert_rows(StageChange._meta.db_table, ["customer_id", "from_stage", "to_stage", "at", "by_id"],
                         [[pk, "", v["stage"], at, ctx.actor.pk] for pk, v in zip(pks, rows)])
        paused.catch_up(connection, pks)
    _add_tags(pks, [v["tags"] for v in rows])
    # One audit entry per batch (the audit log is a hash chain appended row by row; one entry per customer
    # would cost more than the import itself). It names the job and every customer created.
    audit_record(actor=ctx.actor, action="import_create", obj=ctx.job, changes={
        "customers": [None, codes], "rows": [None, [v["row"] for v in rows]]})


def analyze_due(known: int, written: int, minimum: int) -> bool:
    """Has a run written at least as many customers as the table was last estimated to hold (and `minimum`)?"""
    return written >= max(known, minimum)


class Statistics:
    """PostgreSQL plans a batch's lookups by id (the catch-up's, paused.catch_up) and by key (the duplicate
    check's, _existing: without the key columns' statistics it read the whole table once per key and batch)
    from the tables' statistics.
    A table the import grows from (nearly) empty keeps statistics saying "tiny", and the planner then reads
    the whole table for each statement of each batch: time growing with the square of the rows. So while a
    run at least doubles the customers since the last estimate, it refreshes the estimates of the columns
    those lookups use (ANALYZE of a few columns: ~0.1 s at 20,000 customers), between batches. A large
    table (a 100,000-row import into a million customers) is never analyzed by the import."""

    ANALYZE = ("ANALYZE customers_customer (id, deleted_at, phone, email, credit_code, code), "
               "customers_stagechange (customer_id), reports_customerfact (customer_id)")
    MIN_ROWS = 1000

    def __init__(self):
        self.on = connection.vendor == "postgresql"
        self.known = self.written = 0
        if self.on:
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'customers_customer'::regclass")
                self.known = max(0, int(cursor.fetchone()[0]))

    def after(self, created: int) -> bool:
        """After a committed batch that created `created` customers; True when it analyzed."""
        if not self.on:
            return False
        self.written += created
        if not analyze_due(self.known, self.written, self.MIN_ROWS) or not self._analyze():
            return False
        self.known, self.written = self.known + self.written, 0
        return True

    def _analyze(self) -> bool:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # a concurrent ANALYZE (autovacuum) holds the lock: skip this one rather than wait
                cursor.execute("SET LOCAL lock_timeout = '2s'")
                cursor.execute(self.ANALYZE)
        except OperationalError:
            return False
        return True


def _insert_customers(cols: _Columns, rows: list[dict], run_values: list[list], codes: list[str]) -> list[int]:
    """Write the new customers (each row's prepared values and the values the run decided for it); their
    ids, in order."""
    table = Customer._meta.db_table
    if cols.copy:  # the ids taken first (one statement), so that the COPY carries them
        with connection.cursor() as cursor:
            # the sequence's name looked up once, not per id (12 µs each)
            cursor.execute("WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) "
                           "SELECT nextval(s.seq) FROM s, generate_series(1, %s)", [table, len(rows)])
            pks = [pk for (pk,) in cursor.fetchall()]
        bulk.copy_rows(table, cols.copy_names, [[pk, *values] for pk, values in zip(pks, run_values)],
                       [v["line"] for v in rows])
        return pks
    records = []
    for v, values in zip(rows, run_values):
        record = list(v["record"])  # a copy: a batch retried after a conflict starts from the prepared values
        for i, value in zip(cols.by_run, values):
            record[i] = value
        records.append(record)
    bulk.insert_rows(table, cols.names, records)
    ids = _ids_by_code(codes)
    return [ids[code] for code in codes]


def _ids_by_code(codes: list[str]) -> dict[str, int]:
    """{code: id} of the customers just written (the code's unique index, the codes as one parameter)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT code, id FROM {Customer._meta.db_table} WHERE code {bulk.among()}",
                       [bulk.list_param(codes)])
        return dict(cursor.fetchall())


def _add_tags(pks: list[int], names: list[list[str]]) -> None:
    wanted = {n for ns in names for n in ns}
    if not wanted:
        return
    Tag.objects.bulk_create([Tag(name=n) for n in wanted], ignore_conflicts=True)
    ids = dict(Tag.objects.filter(name__in=wanted).values_list("name", "pk"))
    through = Customer.tags.through
    bulk.insert_rows(through._meta.db_table, ["customer_id", "tag_id"],
                     [[pk, ids[n]] for pk, ns in zip(pks, names) for n in ns])


def _update(ctx, v: dict, pk: int, out: Outcome) -> bool:
    """Through the service, so an update is checked, recorded and audited as on the form."""
    data = {k: val for k, val in v["data"].items() if val not in ("", None, [])}  # empty cells change nothing
    if v["owner"] is not None:
        data["owner"] = v["owner"]
    try:
        customer_services.customer_update(actor=ctx.actor, customer=Customer.objects.get(pk=pk), data=data)
    except FieldErrors as e:
        out.errors += [(v["row"], f, m) for f, ms in e.errors.items() for m in ms]
        return False
    except DuplicateCustomer as e:
        out.errors.append((v["row"], (e.fields or ["phone"])[0], e.message))
        return False
    except DomainError as e:
        out.errors.append((v["row"], "owner", getattr(e, "message", "") or str(e)))
        return False
    return True
