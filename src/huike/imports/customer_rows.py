"""Customer rows, set-based: one batch = one duplicate query, one code allocation, bulk inserts.

New customers are built exactly as `customers.services.customer_create` builds them (the same
validation, duplicate keys, code sequence, search fields, cadence, stage history and one audit entry per
customer); matched customers are updated through `customer_update` itself, row by row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.audit.services import audit_record
from huike.core.errors import DomainError, DuplicateCustomer, FieldErrors, Forbidden
from huike.core.models import Sequence
from huike.customers import services as customer_services
from huike.customers.cadence import refresh_cadence
from huike.customers.domain.names import customer_code
from huike.customers.models import Customer, StageChange, Tag
from huike.customers.validation import OPTION_FIELDS, clean_customer

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


def convert(ctx, cells: list) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Cells → service input (keys for labels, dates, booleans, tag lists); conversion problems listed."""
    data: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for index, name in ctx.fields:
        value = cells[index]
        try:
            if name in BOOL_FIELDS:
                if col.text(value):  # an empty cell leaves the flag as it is (off for a new customer)
                    data[name] = col.boolean(name, value)
            elif name in DATE_FIELDS:
                data[name] = col.date(name, value)
            elif name in MOMENT_FIELDS:
                data[name] = col.moment(name, value)
            elif name == "tags":
                data[name] = col.tags(value)
            elif name in ENUM_FIELDS:
                raw = col.text(value)
                data[name] = ctx.enums[name].get(col.normalise_header(raw), raw) if raw else ""
            else:
                data[name] = col.text(value)
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
    """{(key field, value): customer id} over live customers, from one query for the whole batch."""
    wanted = {f: {v["cleaned"].get(f) for v in valid} - {"", None} for f in KEYS}
    codes = {v["code"] for v in valid if v["code"]}
    q = Q(pk__in=[])
    for f, values in wanted.items():
        if values:
            q |= Q(**{f"{f}__in": values})
    if codes:
        q |= Q(code__in=codes)
    found: dict[tuple[str, str], int] = {}
    for row in Customer.objects.filter(q, deleted_at__isnull=True).values("pk", "code", *KEYS):
        for f in (*KEYS, "code"):
            if row[f]:
                found[(f, row[f])] = row["pk"]
    return found, set(found.values())


def process(ctx, rows: list[tuple[int, list]]) -> Outcome:
    out = Outcome()
    valid = []
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
            out.errors += [(number, f, m) for f, m in problems]
            continue
        valid.append({"row": number, "data": data, "cleaned": cleaned, "owner": owner, "code": code})
    found, ids = _existing(valid)
    visible = set(policies.scoped(ctx.actor, Customer.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    creates, updates, seen = [], [], {}
    for v in valid:
        keys = [(f, v["cleaned"].get(f)) for f in KEYS if v["cleaned"].get(f)]
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


def _create(ctx, rows: list[dict]) -> None:
    if not rows:
        return
    now = timezone.now()
    first = Sequence.take("customer", len(rows))
    customers = []
    for i, v in enumerate(rows):
        cleaned = {k: val for k, val in v["cleaned"].items() if k != "tags"}
        c = Customer(**cleaned, owner=v["owner"] or ctx.actor, created_by=ctx.actor, stage_changed_at=now,
                     created_at=now, updated_at=now)
        c.code = customer_code(first + i)
        if c.first_contact_at:
            late = (now - c.first_contact_at).total_seconds() > customer_services.REGISTRATION_WINDOW_HOURS * 3600
            c.registered_late = late
        customer_services.derive_search_fields(c)
        refresh_cadence(c, save=False, now=now, planned=None, rules=ctx.rules)
        customers.append(c)
    bulk.insert(Customer, customers)
    ids = dict(Customer.objects.filter(code__in=[c.code for c in customers]).values_list("code", "pk"))
    for c in customers:
        c.pk = ids[c.code]
    _add_tags(customers, [v["cleaned"].get("tags") or [] for v in rows])
    at = connection.ops.adapt_datetimefield_value(now)
    bulk.insert_rows(StageChange._meta.db_table, ["customer_id", "from_stage", "to_stage", "at", "by_id"],
                     [[c.pk, "", c.stage, at, ctx.actor.pk] for c in customers])
    # One audit entry per batch (the audit log is a hash chain appended row by row; one entry per customer
    # would cost more than the import itself). It names the job and every customer created.
    audit_record(actor=ctx.actor, action="import_create", obj=ctx.job, changes={
        "customers": [None, [c.code for c in customers]], "rows": [None, [v["row"] for v in rows]]})


def _add_tags(customers: list[Customer], names: list[list[str]]) -> None:
    wanted = {n for ns in names for n in ns}
    if not wanted:
        return
    Tag.objects.bulk_create([Tag(name=n) for n in wanted], ignore_conflicts=True)
    ids = dict(Tag.objects.filter(name__in=wanted).values_list("name", "pk"))
    through = Customer.tags.through
    links = [through(customer_id=c.pk, tag_id=ids[n]) for c, ns in zip(customers, names) for n in ns]
    through.objects.bulk_create(links, batch_size=1000)


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
