"""Links from a report's numbers to the customer list behind them (/customers/ with its filters)."""
from __future__ import annotations

import calendar
import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse

from ..filters import ReportFilters

BLANK = "-"  # the customer list's value for "not set"


def customers_url(filters: ReportFilters, period: str | None = None, **params) -> str:
    """The customer list narrowed by the report's team/owner, its period applied to `period`
    ("created", "ordered", "stage_changed", "complaint"), plus `params` ("" values become BLANK)."""
    query: dict[str, str] = {}
    if filters.owner is not None:
        query["owner"] = str(filters.owner)
    if filters.team is not None:
        query["team"] = str(filters.team)
    if period:
        if filters.period_start:
            query[f"{period}_from"] = filters.period_start.isoformat()
        if filters.period_end:
            query[f"{period}_to"] = filters.period_end.isoformat()
    for key, value in params.items():
        if value is not None:
            query[key] = BLANK if value == "" else str(value)
    return f"{reverse('customers:list')}?{urlencode(query)}"


def month_bounds(filters: ReportFilters, month: str) -> ReportFilters:
    """The period narrowed to one month (YYYY-MM), for a per-month number."""
    year, mon = (int(x) for x in month.split("-"))
    first = dt.date(year, mon, 1)
    last = dt.date(year, mon, calendar.monthrange(year, mon)[1])
    start = max(first, filters.period_start) if filters.period_start else first
    end = min(last, filters.period_end) if filters.period_end else last
    return ReportFilters(period_start=start, period_end=end, team=filters.team, owner=filters.owner)


def for_owner(filters: ReportFilters, owner_key: str) -> ReportFilters:
    return ReportFilters(period_start=filters.period_start, period_end=filters.period_end, team=filters.team,
                         owner=int(owner_key))
