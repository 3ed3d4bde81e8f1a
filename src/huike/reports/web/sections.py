"""One builder per report of R-10: the selectors' rows turned into sections (chart + table + links)."""
from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import selectors
from ..filters import ReportFilters
from .links import customers_url, for_owner, month_bounds
from .table import Column, Section, label_of

DISTRIBUTION_BY = {
    "industry": gettext_lazy("Industry"), "province": gettext_lazy("Region"), "intent": gettext_lazy("Intent"),
    "stage": gettext_lazy("Stage"), "value_tier": gettext_lazy("Value tier"),
    "value_class": gettext_lazy("Value class"), "relationship_type": gettext_lazy("Relationship type"),
    "source": gettext_lazy("Source channel"),
}


def distribution(user, filters: ReportFilters, by: str = "industry") -> list[Section]:
    rows = [{"label": label_of(by, r["key"]), "count": r["count"],
             "_links": {"count": customers_url(filters, "created", **{by: r["key"]})}}
            for r in selectors.distribution(user=user, by=by, filters=filters)]
    total = {"label": _("Total"), "count": sum(r["count"] for r in rows),
             "_links": {"count": customers_url(filters, "created")}}
    return [Section(f"distribution-{by}", _("Customers by %(field)s") % {"field": DISTRIBUTION_BY[by]}, "pie",
                    [Column("label", str(DISTRIBUTION_BY[by]), "text"), Column("count", _("Customers"))],
                    rows, ["count"], total, _("Customers created in the period, as classified now."))]


def _sales_rows(user, filters, by):
    rows = []
    for r in selectors.sales(user=user, by=by, filters=filters):
        scope = for_owner(filters, r["key"]) if by == "owner" else month_bounds(filters, r["key"])
        url = customers_url(scope, "ordered")
        rows.append({**r, "_links": {"amount": url, "orders": url, "customers": customers_url(scope, "closed")}})
    return rows


def sales(user, filters: ReportFilters) -> list[Section]:
    columns = [Column("amount", _("Amount"), "money"), Column("orders", _("Orders")),
               Column("customers", _("Closed customers"))]
    out = []
    for by, title, head in (("owner", _("Sales by owner"), _("Owner")), ("month", _("Sales by month"), _("Month"))):
        rows = _sales_rows(user, filters, by)
        url = customers_url(filters, "ordered")
        total = {"label": _("Total"), "amount": str(sum(Decimal(r["amount"]) for r in rows)),
                 "orders": sum(r["orders"] for r in rows), "customers": sum(r["customers"] for r in rows),
                 "_links": {"amount": url, "orders": url, "customers": customers_url(filters, "closed")}}
        out.append(Section(f"sales-{by}", title, "bar", [Column("label", head, "text"), *columns], rows,
                           ["amount"], total, _("Orders dated in the period; closed customers: moved to the closed stage in the period.")))
    return out


def growth(user, filters: ReportFilters) -> list[Section]:
    data = selectors.growth(user=user, filters=filters)
    months = [{"label": r["key"], "count": r["count"],
               "_links": {"count": customers_url(month_bounds(filters, r["key"]), "created")}} for r in data["months"]]
    sources = [{"label": label_of("source", r["key"]), "count": r["count"], "share": r["share"],
                "_links": {k: customers_url(filters, "created", source=r["key"]) for k in ("count", "share")}}
               for r in data["sources"]]
    total = {"label": _("Total"), "count": data["total"], "_links": {"count": customers_url(filters, "created")}}
    return [
        Section("growth-months", _("New customers per month"), "line",
                [Column("label", _("Month"), "text"), Column("count", _("New customers"))], months, ["count"], total),
        Section("growth-sources", _("Source channels of the new customers"), "pie",
                [Column("label", _("Source channel"), "text"), Column("count", _("New customers")),
                 Column("share", _("Share"), "rate")], sources, ["count"], total),
    ]


def funnel(user, filters: ReportFilters) -> list[Section]:
    rows = []
    for r in selectors.funnel(user=user, filters=filters):
        url = customers_url(filters, "created", **({"stage": "lost"} if r["stage"] == "lost"
                                                  else {"reached_stage": r["stage"]}))
        rows.append({**r, "label": label_of("stage", r["stage"]), "_links": {"count": url, "conversion_rate": url, "avg_days": url}})
    return [Section("funnel", _("Sales funnel"), "funnel",
                    [Column("label", _("Stage"), "text"), Column("count", _("Customers who reached it")),
                     Column("conversion_rate", _("Went on to the next stage"), "rate"),
                     Column("avg_days", _("Average days in the stage"), "num")],
                    rows, ["count"], None,
                    _("Customers created in the period. Lost: customers lost now, from any stage."))]
