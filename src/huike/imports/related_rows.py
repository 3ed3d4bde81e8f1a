"""Order and follow-up rows: the customer found by code (or exact name) within the importer's scope,
then each row written through its service (order_create / followup_create, or *_update on a duplicate)."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.core.errors import DomainError, FieldErrors
from huike.customers.models import Customer
from huike.followups import services as followup_services
from huike.followups.models import FollowUp
from huike.transactions import services as order_services
from huike.transactions.models import Order

from . import columns as col
from .customer_rows import Outcome

DATES = {"date", "due_date", "paid_date"}
AMOUNTS = {"amount", "paid_amount"}
MOMENTS = {"occurred_at", "next_followup_at"}


def convert(ctx, cells: list) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    data: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for index, name in ctx.fields:
        value = cells[index]
        try:
            if name in DATES:
                data[name] = col.date(name, value)
            elif name in AMOUNTS:
                data[name] = col.amount(name, value)
            elif name in MOMENTS:
                data[name] = col.moment(name, value)
            elif name == "method":
                raw = col.text(value)
                data[name] = ctx.enums["method"].get(col.normalise_header(raw), raw)
            else:
                data[name] = col.text(value)
        except col.CellError as e:
            problems.append((e.field, e.message))
    return data, problems


def _customers(ctx, refs: set[str]) -> dict[str, Customer | None]:
    """{reference: customer} by code or exact name among customers the importer sees; None if ambiguous."""
    upper = {r.upper() for r in refs}
    found: dict[str, Customer | None] = {}
    qs = policies.scoped(ctx.actor, Customer.objects.all()).filter(code__in=upper)
    for c in qs:
        found[c.code] = c
    by_name = policies.scoped(ctx.actor, Customer.objects.all()).filter(name__in=refs - set(found))
    for c in by_name:
        found[c.name] = None if c.name in found else c
    return found


def _duplicate(kind: str, customer: Customer, data: dict[str, Any]):
    if kind == "orders":
        return Order.objects.filter(customer=customer, date=data.get("date"), product=data.get("product", ""),
                                    amount=data.get("amount")).order_by("pk").first()
    return FollowUp.objects.filter(customer=customer, occurred_at=data.get("occurred_at"),
                                   method=data.get("method"), content=data.get("content", "")).order_by("pk").first()


def _write(ctx, customer: Customer, data: dict[str, Any], existing) -> str:
    if existing is not None and ctx.on_duplicate == "skip":
        return "skipped"
    if ctx.kind == "orders":
        if existing is None:
            order_services.order_create(actor=ctx.actor, customer=customer, data=data)
        else:
            order_services.order_update(actor=ctx.actor, order=existing, data=data)
    elif existing is None:
        followup_services.followup_create(actor=ctx.actor, customer=customer, data=data)
    else:
        followup_services.followup_update(actor=ctx.actor, followup=existing, data=data)
    return "created" if existing is None else "updated"


def process(ctx, rows: list[tuple[int, list]]) -> Outcome:
    out = Outcome()
    converted = [(number, *convert(ctx, cells)) for number, cells in rows]
    refs = {d.get("customer", "") for _n, d, _p in converted} - {""}
    customers = _customers(ctx, refs) if refs else {}
    for number, data, problems in converted:
        ref = data.pop("customer", "")
        customer = customers.get(ref.upper()) or customers.get(ref)
        if not ref:
            problems.append(("customer", _("Enter the customer's code (客户编号) or full name.")))
        elif customer is None:
            problems.append(("customer", _("No customer “%(ref)s” among the customers you can see (or the name "
                                           "is not unique; use the customer code).") % {"ref": ref}))
        if problems:
            out.errors += [(number, f, m) for f, m in problems]
            continue
        if ctx.kind == "followups":
            data = {k: v for k, v in data.items() if v is not None or k != "occurred_at"}
        try:
            result = _write(ctx, customer, data, _duplicate(ctx.kind, customer, data))
        except FieldErrors as e:
            out.errors += [(number, f, m) for f, ms in e.errors.items() for m in ms]
            continue
        except DomainError as e:
            out.errors.append((number, "customer", getattr(e, "message", "") or str(e)))
            continue
        setattr(out, result, getattr(out, result) + 1)
    return out
