"""Reads for classification pages and API, scoped through accounts.policies."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, QuerySet, Sum

from huike.accounts import policies
from huike.accounts.models import User
from huike.customers.models import Customer
from huike.transactions.models import Order

from .domain.windows import months_before
from .evidence import explain
from .models import DIMENSIONS, Change, ChangeStatus


def approval_queue(*, user: User) -> QuerySet:
    """Pending value-class changes of the customers a manager (their team) or admin (all) sees."""
    if not (user.is_admin or user.is_manager):
        return Change.objects.none()
    return (policies.scoped(user, Change.objects.all(), "customer__").filter(status=ChangeStatus.PENDING)
            .select_related("customer", "customer__owner", "customer__classification_result")
            .order_by("created_at", "id"))


def customer_history(*, customer: Customer, limit: int = 8) -> list[dict]:
    """The customer's latest classification changes (R-5.6), newest first: each one's date, run and moved
    dimensions (the value class with its approval status), each with why it moved in the current language
    (empty for a change recorded before the history kept its evidence). The caller has already been allowed
    to see the customer."""
    out = []
    for change in Change.objects.filter(customer=customer).order_by("-as_of", "-id")[:limit]:
        words = explain(change.evidence)  # the change's own evidence: why it moved, as of its run
        moved = [{"dimension": d, "from": getattr(change, f"{d}_from"), "to": getattr(change, f"{d}_to"),
                  "status": change.status if d == "value_class" else ChangeStatus.APPLIED.value,
                  "status_label": str(ChangeStatus(change.status).label) if d == "value_class" else "",
                  "why": words[d]["summary"] if words else ""}
                 for d in DIMENSIONS if change.moved(d)]
        out.append({"as_of": change.as_of, "run_id": change.run_id, "moves": moved})
    return out


def _moves(user: User, dimension: str, start: dt.date, end: dt.date) -> QuerySet:
    """The changes with as-of in (start, end] that moved the dimension and took effect (a value class change
    once applied: not while it waits, nor rejected or superseded)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown classification dimension {dimension!r}")
    qs = (policies.scoped(user, Change.objects.all(), "customer__").filter(as_of__gt=start, as_of__lte=end)
          .exclude(**{f"{dimension}_from": F(f"{dimension}_to")}))
    return qs.filter(status=ChangeStatus.APPLIED) if dimension == "value_class" else qs


def transitions(*, user: User, dimension: str, start: dt.date, end: dt.date) -> list[dict]:
    """From → to counts of the changes that took effect with as-of in (start, end] (R-5.6)."""
    before, after = f"{dimension}_from", f"{dimension}_to"
    rows = (_moves(user, dimension, start, end).values(before, after).annotate(count=Count("id"))
            .order_by(before, after))
    return [{"from": r[before], "to": r[after], "count": r["count"]} for r in rows]


def transition_customers(*, user: User, dimension: str, start: dt.date, end: dt.date, from_value: str,
                         to_value: str) -> QuerySet:
    ids = (_moves(user, dimension, start, end)
           .filter(**{f"{dimension}_from": from_value, f"{dimension}_to": to_value}).values("customer_id"))
    return policies.scoped(user, Customer.objects.filter(pk__in=ids)).select_related("owner").order_by("name")


def tier_revenue_share(*, user: User, as_of: dt.date, months: int = 6) -> list[dict]:
    """Each value tier's share of the order amount in the tier window (the seeds expect ≈ 80/15/5)."""
    start = months_before(as_of, months)
    rows = (policies.scoped(user, Order.objects.all(), "customer__").filter(date__gt=start, date__lte=as_of)
            .values("customer__value_tier").annotate(amount=Sum("amount"), customers=Count("customer", distinct=True))
            .order_by("customer__value_tier"))
    total = sum((r["amount"] or 0) for r in rows)
    return [{"tier": r["customer__value_tier"] or "", "amount": r["amount"] or 0, "customers": r["customers"],
             "share": float((r["amount"] or 0) / total) if total else 0.0} for r in rows]
