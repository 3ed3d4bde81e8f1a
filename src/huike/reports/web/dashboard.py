"""The dashboard's sales figures and small charts (R-10): the caller's own, team's or company's."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..filters import ReportFilters
from .links import customers_url, month_bounds
from .table import Column, Section, label_of

MONTHS = 6


def _months_back(day: dt.date, n: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - n, 12)
    return dt.date(year, month + 1, 1)


def dashboard_context(user) -> dict:
    """The customer and overdue counts, sales this month, sales per month over the last six months, the customers by stage."""
    today = timezone.localdate()
    recent = ReportFilters(period_start=_months_back(today, MONTHS - 1), period_end=today)
    months = {r["key"]: r for r in selectors.sales(user=user, by="month", filters=recent, closed_customers=False)}
    month_start = ReportFilters(period_start=today.replace(day=1), period_end=today)
    closed_now = sum(r["customers"] for r in selectors.sales(user=user, by="month", filters=month_start))
    keys = [_months_back(today, n).strftime("%Y-%m") for n in range(MONTHS - 1, -1, -1)]
    zero = {"amount": "0.00", "orders": 0, "customers": 0}
    sales_rows = [{"label": k, **{f: months.get(k, zero)[f] for f in zero},
                   "_links": {"amount": customers_url(month_bounds(recent, k), "ordered")}} for k in keys]
    this_month = sales_rows[-1]
    stages = [{"label": label_of("stage", r["key"]), "count": r["count"],
               "_links": {"count": customers_url(ReportFilters(), None, stage=r["key"])}}
              for r in selectors.stage_counts(user=user)]
    charts = [
        Section("dash-sales", _("Sales, last six months"), "bar",
                [Column("label", _("Month"), "text"), Column("amount", _("Amount"), "money")], sales_rows, ["amount"]),
        Section("dash-stages", _("Customers by stage"), "pie",
                [Column("label", _("Stage"), "text"), Column("count", _("Customers"))], stages, ["count"]),
    ]
    return {"customer_count": sum(r["count"] for r in stages),
            "overdue_count": sum(selectors.overdue_counts(user=user).values()), "sales_month": {"amount": Decimal(this_month["amount"]), "orders": this_month["orders"],
                            "customers": closed_now, "url": this_month["_links"]["amount"]},
            "dash_charts": [c.chart_data() for c in charts], "dash_sections": charts}
