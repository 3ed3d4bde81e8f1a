"""Writes on orders and contracts (R-4). Atomic and audited; a customer change queues no rule here yet."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.accounts.models import User
from huike.audit.services import audit_record, diff, snapshot
from huike.core.errors import FieldErrors
from huike.core.validation import amount_error, unknown_fields
from huike.classification.reclassify import reclassify_on_commit
from huike.customers.models import Customer
from huike.recycle.services import bin_record

from .models import Contract, Order, RenewalStatus

ORDER_FIELDS = ["date", "amount", "product", "category", "due_date", "paid_date", "paid_amount"]
CONTRACT_FIELDS = ["start_date", "end_date", "amount", "renewal_status", "disputed"]


def _merged(instance: models.Model | None, data: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    base = {f: getattr(instance, f) for f in fields} if instance else {}
    return {**base, **data}


def _clean_order(data: dict[str, Any], instance: Order | None) -> dict[str, Any]:
    errors = unknown_fields(data, ORDER_FIELDS)
    v = _merged(instance, data, ORDER_FIELDS)
    if not v.get("date"):
        errors["date"] = [_("Enter the order date.")]
    if (msg := amount_error(v.get("amount"))):
        errors["amount"] = [msg]
    if (msg := amount_error(v.get("paid_amount"), required=False)):
        errors["paid_amount"] = [msg]
    product = (v.get("product") or "").strip()
    if not product:
        errors["product"] = [_("Enter the product or service.")]
    elif len(product) > 200:
        errors["product"] = [_("At most %(limit)d characters (you entered %(count)d).") % {"limit": 200, "count": len(product)}]
    if len((v.get("category") or "").strip()) > 100:
        errors["category"] = [_("At most %(limit)d characters (you entered %(count)d).") % {
            "limit": 100, "count": len(v["category"].strip())}]
    if v.get("date") and v.get("due_date") and v["due_date"] < v["date"]:
        errors["due_date"] = [_("The invoice due date cannot be before the order date.")]
    if v.get("date") and v.get("paid_date") and v["paid_date"] < v["date"]:
        errors["paid_date"] = [_("The paid date cannot be before the order date.")]
    if "amount" not in errors and "paid_amount" not in errors and v.get("paid_amount") not in (None, ""):
        if Decimal(str(v["paid_amount"])) > Decimal(str(v["amount"])):
            errors["paid_amount"] = [_("The paid amount cannot exceed the order amount.")]
        if not v.get("paid_date"):
            errors["paid_date"] = [_("Enter the date the amount was paid.")]
    if errors:
        raise FieldErrors(errors)
    out = dict(data)
    for f in ("product", "category"):
        if f in out:
            out[f] = (out[f] or "").strip()
    return out


def _clean_contract(data: dict[str, Any], instance: Contract | None) -> dict[str, Any]:
    errors = unknown_fields(data, CONTRACT_FIELDS)
    v = _merged(instance, data, CONTRACT_FIELDS)
    if not v.get("start_date"):
        errors["start_date"] = [_("Enter the contract's start date.")]
    if not v.get("end_date"):
        errors["end_date"] = [_("Enter the contract's end date.")]
    elif v.get("start_date") and v["end_date"] < v["start_date"]:
        errors["end_date"] = [_("The end date cannot be before the start date.")]
    if (msg := amount_error(v.get("amount"))):
        errors["amount"] = [msg]
    if v.get("renewal_status", RenewalStatus.PENDING) not in RenewalStatus.values:
        errors["renewal_status"] = [_("Choose renewed, not renewed or pending.")]
    if errors:
        raise FieldErrors(errors)
    return dict(data)


def _create(model, cleaner, fields, *, actor: User, customer: Customer, data: dict[str, Any]):
    obj = model.objects.create(customer=customer, **cleaner(data, None))
    reclassify_on_commit(customer.pk)
    audit_record(actor=actor, action="create", obj=obj, changes=diff({}, snapshot(obj, fields)), customer_id=customer.pk)
    return obj


def _update(cleaner, fields, *, actor: User, obj, data: dict[str, Any]):
    cleaned = cleaner(data, obj)
    before = snapshot(obj, fields)
    for k, val in cleaned.items():
        setattr(obj, k, val)
    obj.save()
    obj.refresh_from_db()
    changes = diff(before, snapshot(obj, fields))
    if changes:
        reclassify_on_commit(obj.customer_id)
        audit_record(actor=actor, action="update", obj=obj, changes=changes, customer_id=obj.customer_id)
    return obj


def _delete(fields, *, actor: User, obj) -> None:
    policies.require_delete(actor)
    audit_record(actor=actor, action="delete", obj=obj, changes=diff(snapshot(obj, fields), {}), customer_id=obj.customer_id)
    reclassify_on_commit(obj.customer_id)
    bin_record(actor=actor, obj=obj)  # soft first: restorable from the recycle bin
    obj.delete()


@transaction.atomic
def order_create(*, actor: User, customer: Customer, data: dict[str, Any]) -> Order:
    return _create(Order, _clean_order, ORDER_FIELDS, actor=actor, customer=customer, data=data)


@transaction.atomic
def order_update(*, actor: User, order: Order, data: dict[str, Any]) -> Order:
    return _update(_clean_order, ORDER_FIELDS, actor=actor, obj=order, data=data)


@transaction.atomic
def order_delete(*, actor: User, order: Order) -> None:
    _delete(ORDER_FIELDS, actor=actor, obj=order)


@transaction.atomic
def contract_create(*, actor: User, customer: Customer, data: dict[str, Any]) -> Contract:
    return _create(Contract, _clean_contract, CONTRACT_FIELDS, actor=actor, customer=customer, data=data)


@transaction.atomic
def contract_update(*, actor: User, contract: Contract, data: dict[str, Any]) -> Contract:
    return _update(_clean_contract, CONTRACT_FIELDS, actor=actor, obj=contract, data=data)


@transaction.atomic
def contract_delete(*, actor: User, contract: Contract) -> None:
    _delete(CONTRACT_FIELDS, actor=actor, obj=contract)
