"""The satisfaction block of the service report (R-8.3): scores, then per owner, team, cause and customer."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from .. import selectors
from ..filters import ReportFilters
from ..selectors.satisfaction import CUSTOMER_ROWS
from .links import customers_url
from .table import Column, Section, label_of

KEYS = ("surveys", "avg_score", "nps_answers", "promoters", "detractors", "nps")


def _columns(head: str) -> list[Column]:
    return [Column("label", head, "text"), Column("surveys", _("Surveys")),
            Column("avg_score", _("Average score (1–5)"), "num"), Column("nps_answers", _("NPS answers")),
            Column("promoters", _("Promoters (9–10)")), Column("detractors", _("Detractors (0–6)")),
            Column("nps", _("NPS"), "num")]


def _url(filters: ReportFilters, **params) -> str:
    """Customers with a survey in the period, by the recorded owner/team (the report's filters)."""
    period = ReportFilters(period_start=filters.period_start, period_end=filters.period_end)
    survey = {"survey_owner": filters.owner, "survey_team": filters.team}
    return customers_url(period, "surveyed", **{k: v for k, v in {**survey, **params}.items() if v is not None})


def _param(by: str, key: str) -> dict:
    if by == "cause":
        return {"survey_periodic": 1} if key == selectors.PERIODIC else {"survey_cause": key}
    return {f"survey_{by}": key} if key else {}


def _label(by: str, row: dict) -> str:
    if by == "cause":
        return _("Periodic visit (no complaint)") if row["key"] == selectors.PERIODIC else label_of("cause", row["key"])
    if by == "score":
        return f"{row['key']} / 5"
    return row["label"] or _("Not recorded")


def _section(filters: ReportFilters, data: dict, by: str, title: str, head: str, chart: str, series: str,
             note: str = ""):
    rows = []
    for r in data["rows"]:
        url = reverse("customers:detail", args=[r["key"]]) if by == "customer" else _url(filters, **_param(by, r["key"]))
        rows.append({**r, "label": _label(by, r), "_links": {k: url for k in KEYS}})
    total = {**data["total"], "label": _("Total"), "_links": {k: _url(filters) for k in KEYS}}
    return Section(f"satisfaction-{by}", title, chart, _columns(head), rows, [series], total, note)


def satisfaction(user, filters: ReportFilters) -> list[Section]:
    block = selectors.satisfaction_block(user=user, filters=filters)
    return [
        _section(filters, block["score"], "score", _("Satisfaction scores"), _("Score"), "pie", "surveys",
                 _("Satisfaction surveys answered in the period, after a closed complaint or on a periodic "
                   "visit. NPS: the share of promoters minus the share of detractors, in points, among the "
                   "answers that gave a recommendation score.")),
        _section(filters, block["owner"], "owner", _("Satisfaction by owner"), _("Owner"), "bar", "avg_score",
                 _("Owner and team: as recorded with the answer.")),
        _section(filters, block["team"], "team", _("Satisfaction by team"), _("Team"), "bar", "avg_score"),
        _section(filters, block["cause"], "cause", _("Satisfaction by complaint cause"), _("Cause"), "bar",
                 "avg_score"),
        _section(filters, block["customer"], "customer", _("Lowest-rated customers"), _("Customer"), "bar",
                 "avg_score", _("At most %(n)d customers, lowest average first.") % {"n": CUSTOMER_ROWS}),
    ]
