"""Satisfaction surveys (回访, R-8.3) in the service report: scores and NPS per owner, team, cause and customer.

Visibility is the customers' (R-1: a survey is seen with its customer); the team and owner filters and the
per-owner/team rows use the owner and team recorded with the answer — who served the customer when asked.
"""
from __future__ import annotations

from django.db.models import Avg, Count, F, Q, Sum

from huike.accounts import policies
from huike.accounts.models import Team, User
from huike.service.models import SatisfactionSurvey

from ..filters import ReportFilters, live_by_anti_join, period_q
from ._sql import ratio

SATISFACTION_BY = {"score": "score", "owner": "owner_id", "team": "team_id", "cause": "complaint__cause",
                   "customer": "customer_id"}
PERIODIC = "periodic"  # the cause key of surveys made without a complaint (periodic visits)
CUSTOMER_ROWS = 50  # the lowest-rated customers shown; the totals count every survey


def surveys(user: User, filters: ReportFilters):
    """The surveys a report counts: of visible customers, answered in the period, by the filtered owner/team."""
    # owner from the customer's narrow facts row; "live" as an anti-join with the binned customers
    qs = SatisfactionSurvey.objects.filter(policies.customer_scope(user, "fact__", live=live_by_anti_join()),
                                           period_q("created_at", filters))
    if filters.owner is not None:
        qs = qs.filter(owner_id=filters.owner)
    if filters.team is not None:
        qs = qs.filter(team_id=filters.team)
    return qs


def _figures(row: dict) -> dict:
    """Average score, and NPS = % promoters (9–10) − % detractors (0–6) among the answers that gave one."""
    out = {k: int(row.get(k) or 0) for k in ("surveys", "score_sum", "nps_answers", "promoters", "detractors")}
    out["avg_score"] = ratio(out["score_sum"], out["surveys"], 2)
    share = ratio(out["promoters"] - out["detractors"], out["nps_answers"])
    out["nps"] = None if share is None else round(share * 100, 1)
    return out


AGGREGATES = {"surveys": Count("id"), "score_sum": Sum("score"), "nps_answers": Count("nps"),
              "promoters": Count("id", filter=Q(nps__gte=9)), "detractors": Count("id", filter=Q(nps__lte=6))}


def _labels(by: str, keys) -> dict:
    from huike.customers.models import Customer

    ids = [k for k in keys if k is not None]
    if by == "owner":
        return {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}
    if by == "team":
        return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
    if by == "customer":
        return dict(Customer.objects.filter(pk__in=ids).values_list("pk", "name"))
    return {}


def _key(by: str, row: dict) -> str:
    if by == "cause":  # a complaint's cause is never NULL: NULL is the LEFT JOIN of a survey without one
        return PERIODIC if row["key"] is None else row["key"]
    return "" if row["key"] is None else str(row["key"])


def _finish(by: str, grouped) -> list[dict]:
    """Rows of one grouping: figures, labels, order."""
    rows = [{"key": _key(by, r), **_figures(r)} for r in grouped]
    names = _labels(by, [int(r["key"]) for r in rows if r["key"].isdigit()])
    for r in rows:
        r["label"] = names.get(int(r["key"]), "") if by in ("owner", "team", "customer") and r["key"] else r["key"]
        r.pop("score_sum")
    if by == "score":
        rows.sort(key=lambda r: -int(r["key"]))
    elif by == "cause":
        rows.sort(key=lambda r: (-r["surveys"], r["key"]))
    elif by == "customer":
        rows.sort(key=lambda r: (r["avg_score"], -r["surveys"], int(r["key"])))
    else:
        rows.sort(key=lambda r: (r["label"] == "", r["label"], r["key"]))
    return rows


def _lowest_customers(qs) -> list[dict]:
    """The CUSTOMER_ROWS lowest averages, cut in the database (a year can hold many thousands)."""
    grouped = (qs.order_by().values(key=F("customer_id")).annotate(**AGGREGATES).annotate(avg=Avg("score"))
               .order_by("avg", "-surveys", "key")[:CUSTOMER_ROWS])
    return _finish("customer", grouped)


SUMMED = ("surveys", "score_sum", "nps_answers", "promoters", "detractors")


def satisfaction_block(*, user: User, filters: ReportFilters) -> dict:
    """{by: {"rows": [...], "total": {...}}} for every grouping, in two queries: one grouped by score, owner,
    team and cause together (a few hundred cells, summed per grouping), one for the lowest-rated customers."""
    qs = surveys(user, filters)
    cells = list(qs.order_by().values("score", "owner_id", "team_id", cause=F("complaint__cause"))
                 .annotate(**AGGREGATES))
    total = {k: sum(c[k] or 0 for c in cells) for k in SUMMED}
    total = {k: v for k, v in _figures(total).items() if k != "score_sum"}
    out = {}
    for by, column in (("score", "score"), ("owner", "owner_id"), ("team", "team_id"), ("cause", "cause")):
        sums: dict = {}
        for c in cells:
            into = sums.setdefault(c[column], {"key": c[column], **dict.fromkeys(SUMMED, 0)})
            for k in SUMMED:
                into[k] += c[k] or 0
        out[by] = {"rows": _finish(by, sums.values()), "total": total}
    out["customer"] = {"rows": _lowest_customers(qs), "total": total}
    return out


def satisfaction(*, user: User, filters: ReportFilters, by: str) -> dict:
    """{"rows": [{key, label, surveys, avg_score, nps_answers, promoters, detractors, nps}], "total": {…}}.
    Rows by score (5 … 1), owner or team (by name; '' = none recorded), cause (most surveys first;
    PERIODIC = no complaint) or customer (the CUSTOMER_ROWS lowest averages)."""
    if by not in SATISFACTION_BY:
        raise ValueError(by)
    return satisfaction_block(user=user, filters=filters)[by]
