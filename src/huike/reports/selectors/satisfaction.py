"""Satisfaction surveys (回访, R-8.3) in the service report: scores and NPS per owner, team, cause and customer.

Visibility is the customers' (R-1: a survey is seen with its customer); the team and owner filters and the
per-owner/team rows use the owner and team recorded with the answer — who served the customer when asked.
"""
from __future__ import annotations

from django.db.models import Count, F, Q, Sum

from huike.accounts import policies
from huike.accounts.models import Team, User
from huike.service.models import SatisfactionSurvey

from ..filters import ReportFilters, period_q
from ._sql import ratio

SATISFACTION_BY = {"score": "score", "owner": "owner_id", "team": "team_id", "cause": "complaint__cause",
                   "customer": "customer_id"}
PERIODIC = "periodic"  # the cause key of surveys made without a complaint (periodic visits)
CUSTOMER_ROWS = 50  # the lowest-rated customers shown; the totals count every survey


def surveys(user: User, filters: ReportFilters):
    """The surveys a report counts: of visible customers, answered in the period, by the filtered owner/team."""
    qs = SatisfactionSurvey.objects.filter(policies.customer_scope(user, "customer__"),
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


def satisfaction(*, user: User, filters: ReportFilters, by: str, with_total: bool = True) -> dict:
    """{"rows": [{key, label, surveys, avg_score, nps_answers, promoters, detractors, nps}], "total": {…}}.
    Rows by score (5 … 1), owner or team (by name; '' = none recorded), cause (most surveys first;
    PERIODIC = no complaint) or customer (the CUSTOMER_ROWS lowest averages)."""
    if by not in SATISFACTION_BY:
        raise ValueError(by)
    qs = surveys(user, filters)
    grouped = qs.order_by().values(key=F(SATISFACTION_BY[by])).annotate(**AGGREGATES)
    rows = [{"key": _key(by, r), **_figures(r)} for r in grouped]
    names = _labels(by, [int(r["key"]) for r in rows if r["key"].isdigit()])
    for r in rows:
        r["label"] = names.get(int(r["key"]), "") if by in ("owner", "team", "customer") and r["key"] else r["key"]
    if by == "score":
        rows.sort(key=lambda r: -int(r["key"]))
    elif by == "cause":
        rows.sort(key=lambda r: (-r["surveys"], r["key"]))
    elif by == "customer":
        rows = sorted(rows, key=lambda r: (r["avg_score"], -r["surveys"], int(r["key"])))[:CUSTOMER_ROWS]
    else:
        rows.sort(key=lambda r: (r["label"] == "", r["label"], r["key"]))
    for r in rows:
        r.pop("score_sum")
    if not with_total:  # the caller has it from another grouping of the same surveys
        return {"rows": rows, "total": None}
    total = _figures(qs.aggregate(**AGGREGATES))
    total.pop("score_sum")
    return {"rows": rows, "total": total}
