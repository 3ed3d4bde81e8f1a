"""Customers overdue for a follow-up now, per owner, from the per-day due counts (due.py) plus today."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Sum
from django.utils import timezone

from huike.accounts.models import User
from huike.customers.models import Customer

from .._days import utc_midnight
from ..filters import ReportFilters, customer_q
from ..models import OwnerDueCount
from ._facts import owners_q


def overdue_counts(*, user: User, filters: ReportFilters | None = None, now: dt.datetime | None = None) -> dict:
    """{owner_id: customers} overdue at `now` in the user's scope (the rule of overdue_customers): whole UTC
    days before today from the kept counts, today's part from the customers' due index."""
    filters, now = filters or ReportFilters(), now or timezone.now()
    if not user.is_active:
        return {}
    midnight = utc_midnight(now, up=False)
    out: dict = {}
    for row in (OwnerDueCount.objects.filter(owners_q(user, filters), day__lt=midnight.date()).order_by()
                .values("owner_id").annotate(n=Sum("customers"))):
        out[row["owner_id"]] = row["n"]
    today = (Customer.objects.filter(customer_q(user, filters), next_followup_at__gte=midnight,
                                     next_followup_at__lt=now)
             .exclude(stage="lost", next_followup_reason="").order_by().values("owner_id").annotate(n=Count("*")))
    for row in today:
        out[row["owner_id"]] = out.get(row["owner_id"], 0) + row["n"]
    return {k: v for k, v in out.items() if v}
