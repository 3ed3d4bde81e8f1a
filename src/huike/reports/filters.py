"""Report filters (period, team, owner) parsed once and turned into scoped Q objects (R-1, R-10).

A team or owner outside the caller's scope is not an error: the filter is intersected with the scope,
so it selects nothing, exactly as a team or owner that does not exist (no existence leak).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.accounts.models import User
from huike.core.errors import FieldErrors

from .models import CustomerFact

KEYS = ("period_start", "period_end", "team", "owner")


@dataclass(frozen=True)
class ReportFilters:
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    team: int | None = None
    owner: int | None = None

    def start_at(self) -> dt.datetime | None:
        return _local_midnight(self.period_start) if self.period_start else None

    def end_before(self) -> dt.datetime | None:
        """The first instant after the period (its end date is included)."""
        return _local_midnight(self.period_end + dt.timedelta(days=1)) if self.period_end else None

    def as_params(self) -> dict[str, str]:
        return {k: str(getattr(self, k)) for k in KEYS if getattr(self, k) is not None}


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def parse_filters(params) -> ReportFilters:
    """From a QueryDict (or dict): dates as YYYY-MM-DD, ids as positive integers; FieldErrors (400) otherwise."""
    errors: dict[str, list[str]] = {}
    values: dict = {}
    for key in ("period_start", "period_end"):
        raw = (params.get(key) or "").strip()
        if raw:
            try:
                values[key] = dt.date.fromisoformat(raw)
            except ValueError:
                errors[key] = [_("Enter a date as YYYY-MM-DD.")]
    for key in ("team", "owner"):
        raw = (params.get(key) or "").strip()
        if raw:
            if raw.isdigit() and 0 < int(raw) < 2**63:
                values[key] = int(raw)
            else:
                errors[key] = [_("Enter a whole number (an id).")]
    if not errors and values.get("period_start") and values.get("period_end") \
            and values["period_start"] > values["period_end"]:
        errors["period_end"] = [_("The end of the period cannot be before its start.")]
    if errors:
        raise FieldErrors(errors)
    return ReportFilters(**values)


def live_by_anti_join(customer_column: str = "customer_id") -> Q:
    """"Not in the recycle bin" for rows that name a customer: none of the few binned customers' facts rows
    (index reports_fact_binned), instead of joining every customer's row to read its deleted_at."""
    return ~Exists(CustomerFact.objects.filter(customer_id=OuterRef(customer_column), deleted_at__isnull=False))


def customer_q(user: User, filters: ReportFilters, prefix: str = "", *, live: Q | None = None) -> Q:
    """The customers a report may count: the caller's scope, narrowed by team and owner."""
    q = policies.customer_scope(user, prefix, live=live)
    if filters.owner is not None:
        q &= Q(**{f"{prefix}owner_id": filters.owner})
    if filters.team is not None:
        q &= Q(**{f"{prefix}owner__team_id": filters.team})
    return q


def period_q(field: str, filters: ReportFilters, *, dates: bool = False) -> Q:
    """`field` within the period: a DateField compares dates, a DateTimeField local-day boundaries."""
    q = Q()
    if dates:
        if filters.period_start:
            q &= Q(**{f"{field}__gte": filters.period_start})
        if filters.period_end:
            q &= Q(**{f"{field}__lte": filters.period_end})
        return q
    if filters.period_start:
        q &= Q(**{f"{field}__gte": filters.start_at()})
    if filters.period_end:
        q &= Q(**{f"{field}__lt": filters.end_before()})
    return q
