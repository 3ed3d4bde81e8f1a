"""Sums of the customers' facts over a creation period, per owner: whole UTC days from the per-day rollup,
the period's edges from the facts themselves (rollup.py). Scope: the owners the user may see (R-1)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum

from huike.accounts import policies
from huike.accounts.models import User

from .. import rollup
from ..filters import ReportFilters, customer_q
from ..models import CustomerFact, OwnerDayFacts


def owners_q(user: User, filters: ReportFilters) -> Q:
    """The owners whose customers the report counts: customer_scope's rule, stated over owners."""
    owners = policies.users_visible(user).values("pk")
    if filters.team is not None:
        owners = owners.filter(team_id=filters.team)
    q = Q(owner_id__in=owners)
    if filters.owner is not None:
        q &= Q(owner_id=filters.owner)
    return q


def _add(out: dict, owner_id, row: dict) -> None:
    into = out.setdefault(owner_id, {m: 0 for m in rollup.METRICS})
    for m in rollup.METRICS:
        into[m] += row.get(m) or 0


def fact_sums(user: User, filters: ReportFilters, start: dt.datetime | None, end: dt.datetime | None) -> dict:
    """{owner_id: {metric: sum}} over the live customers in scope created in [start, end) (None: unbounded)."""
    if not user.is_active:
        return {}
    days, edges = rollup.split(start, end)
    out: dict = {}
    if days:
        lo, hi = days
        qs = OwnerDayFacts.objects.filter(owners_q(user, filters))
        if lo is not None:
            qs = qs.filter(day__gte=lo.date())
        if hi is not None:
            qs = qs.filter(day__lt=hi.date())
        for row in qs.order_by().values("owner_id").annotate(**{m: Sum(m) for m in rollup.METRICS}):
            _add(out, row.pop("owner_id"), row)
    for a, b in edges:
        qs = CustomerFact.objects.filter(customer_q(user, filters), created_at__gte=a, created_at__lt=b)
        for owner_id, row in rollup.edge_sums(qs).items():
            _add(out, owner_id, row)
    return out


def total(sums: dict) -> dict:
    out = {m: 0 for m in rollup.METRICS}
    for row in sums.values():
        for m in rollup.METRICS:
            out[m] += row[m]
    return out
