"""Reports over the customer book: distribution, growth, the funnel."""
from __future__ import annotations

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from huike.accounts import policies
from huike.accounts.models import User
from huike.customers.models import Customer

from ..filters import ReportFilters, customer_q, period_q
from ..models import OwnerStageCount
from ._facts import fact_sums, total
from ._sql import ratio

DISTRIBUTION_KEYS = ("industry", "province", "intent", "stage", "value_tier", "value_class", "relationship_type",
                     "source", "segment")
STORED_ELSEWHERE = {"segment": "classification_result__segment"}  # the RFM segment: classification.Result
FUNNEL = ("potential", "intent", "closed")  # the way forward; "lost" leaves it from any stage
STAGES = (*FUNNEL, "lost")


def cohort(user: User, filters: ReportFilters):
    """The customers a book report counts: visible, narrowed by team/owner, created within the period."""
    return Customer.objects.filter(customer_q(user, filters), period_q("created_at", filters))


def distribution(*, user: User, by: str, filters: ReportFilters | None = None) -> list[dict]:
    """[{key, count}] of the user's visible customers grouped by one field, largest first; '' = not set."""
    if by not in DISTRIBUTION_KEYS:
        raise ValueError(by)
    field = STORED_ELSEWHERE.get(by, by)
    rows = (cohort(user, filters or ReportFilters()).values(field).annotate(count=Count("*"))
            .order_by("-count", field))
    return [{"key": "" if r[field] is None else str(r[field]), "count": r["count"]} for r in rows]


def stage_counts(*, user: User) -> list[dict]:
    """[{key, count}] of the user's live customers by stage, largest first: distribution(by="stage") without a
    period, from the per-owner counts the triggers keep (owners the user may see = customers in scope)."""
    if not user.is_active:
        return []
    rows = (OwnerStageCount.objects.filter(owner_id__in=policies.users_visible(user).values("pk"))
            .values("stage").annotate(count=Sum("customers")).filter(count__gt=0).order_by("-count", "stage"))
    return [{"key": r["stage"], "count": r["count"]} for r in rows]


def growth(*, user: User, filters: ReportFilters) -> dict:
    """New customers per month and the share of each source channel among them."""
    # one pass over the period's customers: (month, source) cells, summed both ways here
    cells = (cohort(user, filters).annotate(month=TruncMonth("created_at")).values("month", "source")
             .annotate(count=Count("id")).order_by())
    months: dict = {}
    sources: dict = {}
    for r in cells:
        months[r["month"]] = months.get(r["month"], 0) + r["count"]
        sources[r["source"]] = sources.get(r["source"], 0) + r["count"]
    month_rows = [{"key": m.strftime("%Y-%m"), "count": n} for m, n in sorted(months.items())]
    total = sum(months.values())
    source_rows = [{"key": k, "count": n, "share": ratio(n, total)}
                   for k, n in sorted(sources.items(), key=lambda item: (-item[1], item[0]))]
    return {"months": month_rows, "sources": source_rows, "total": total}


def funnel(*, user: User, filters: ReportFilters) -> list[dict]:
    """[{stage, count, conversion_rate, avg_days}] for the customers created in the period.

    count: customers that reached the stage (now at it or beyond, or recorded moving into it or beyond);
    for "lost", the customers lost now. conversion_rate: the share of those that reached the next stage
    (null for the last). avg_days: the average completed stay in the stage, from the stage moves.
    """
    row = total(fact_sums(user, filters, filters.start_at(), filters.end_before()))
    counts = [row["customers"], *[row[f"reached_{i}"] for i in range(1, len(FUNNEL))], row["lost_now"]]
    stays = {s: (row[f"{s}_days"] / row[f"{s}_stays"] if row[f"{s}_stays"] else None) for s in STAGES}
    rows = []
    for i, stage in enumerate(FUNNEL):
        nxt = counts[i + 1] if i + 1 < len(FUNNEL) else None
        rows.append({"stage": stage, "count": counts[i],
                     "conversion_rate": ratio(nxt, counts[i]) if nxt is not None else None,
                     "avg_days": _days(stays.get(stage))})
    rows.append({"stage": "lost", "count": counts[-1], "conversion_rate": None, "avg_days": _days(stays.get("lost"))})
    return rows


def _days(value) -> float | None:
    return None if value is None else round(float(value), 1)
