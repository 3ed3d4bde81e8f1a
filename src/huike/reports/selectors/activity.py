"""Follow-up efficiency, customer health and service reports (R-10)."""
from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone

from huike.accounts.models import User
from huike.service.models import Complaint, Urgency

from ..filters import ReportFilters, customer_q, live_by_anti_join, period_q
from ..models import CustomerFact
from ._facts import fact_sums
from .due import overdue_counts
from ._sql import ratio


def _owner_names(ids) -> dict[int, str]:
    return {u.pk: str(u) for u in User.objects.filter(pk__in=list(ids))}


def _total(rows: list[dict], sums: list[str]) -> dict:
    return {k: sum(r[k] for r in rows) for k in sums}


def followup_efficiency(*, user: User, filters: ReportFilters) -> dict:
    """Per owner, for the customers created in the period: how fast the first follow-up came (hours after
    first contact, or after registration when no first contact is recorded), and how many high-intent
    customers closed; plus the customers overdue for a follow-up now (not period-bound)."""
    sums = {k: v for k, v in fact_sums(user, filters, filters.start_at(), filters.end_before()).items()
            if v["customers"]}
    overdue = overdue_counts(user=user, filters=ReportFilters(team=filters.team, owner=filters.owner))
    names = _owner_names({*sums, *overdue})
    out = []
    zero = dict.fromkeys(("customers", "responded", "response_hours", "high_intent", "high_intent_closed"), 0)
    for owner_id in sorted(names, key=lambda pk: names[pk]):
        row = sums.get(owner_id, zero)
        out.append({"key": str(owner_id), "label": names[owner_id], "customers": int(row["customers"]),
                    "responded": int(row["responded"]), "hours_sum": float(row["response_hours"]),
                    "overdue": overdue.get(owner_id, 0), "high_intent": int(row["high_intent"]),
                    "high_intent_closed": int(row["high_intent_closed"])})
    total = _total(out, ["customers", "responded", "hours_sum", "overdue", "high_intent", "high_intent_closed"])
    for r in [*out, total]:
        r["avg_first_response_hours"] = round(r.pop("hours_sum") / r["responded"], 1) if r["responded"] else None
        r["high_intent_conversion"] = ratio(r["high_intent_closed"], r["high_intent"])
    return {"rows": out, "total": total}


def _lost(user: User, filters: ReportFilters):
    """Lost customers in scope that matter to the period: created before its end, lost before its end
    (from the lost customers' index, facts.py / migration 0006)."""
    lost = CustomerFact.objects.filter(customer_q(user, filters), stage="lost", stage_changed_at__isnull=False)
    if filters.period_end:
        lost = lost.filter(created_at__lt=filters.end_before(), stage_changed_at__lt=filters.end_before())
    return lost


def health(*, user: User, filters: ReportFilters) -> dict:
    """Per owner: churn rate (lost in the period / on the books) and the retention of high-value customers;
    the churn reasons of the customers lost in the period. On the books: created before the end of the
    period and not lost before its start = (created before the end) − (lost before the start)."""
    books = fact_sums(user, filters, None, filters.end_before())
    churned = period_q("stage_changed_at", filters)
    high = Q(value_tier="high")
    # counting a column of the lost customers' index (not the key) keeps the scan index-only
    n = "stage_changed_at"
    counts = {"churned": Count(n, filter=churned), "high_value_lost": Count(n, filter=churned & high)}
    if filters.period_start:
        before = Q(stage_changed_at__lt=filters.start_at())
        counts.update(before=Count(n, filter=before), before_high=Count(n, filter=before & high))
    lost = {r.pop("owner_id"): r for r in _lost(user, filters).order_by().values("owner_id").annotate(**counts)}
    out = []
    for owner_id, row in books.items():
        gone = lost.get(owner_id, {})
        r = {"key": str(owner_id), "base": int(row["customers"]) - gone.get("before", 0),
             "churned": gone.get("churned", 0), "high_value": int(row["high_value"]) - gone.get("before_high", 0),
             "high_value_lost": gone.get("high_value_lost", 0)}
        if r["base"]:
            out.append(r)
    names = _owner_names(int(r["key"]) for r in out)
    for r in out:
        r["label"] = names.get(int(r["key"]), "")
    out.sort(key=lambda r: r["label"])
    total = _total(out, ["base", "churned", "high_value", "high_value_lost"])
    for r in [*out, total]:
        r["churn_rate"] = ratio(r["churned"], r["base"])
        r["high_value_retention"] = ratio(r["high_value"] - r["high_value_lost"], r["high_value"])
    reasons = [{"key": r["lost_reason"], "count": r["count"]} for r in
               _lost(user, filters).filter(churned).order_by().values("lost_reason").annotate(count=Count(n))
               .order_by("-count", "lost_reason")]
    return {"rows": out, "total": total, "reasons": reasons}


def service(*, user: User, filters: ReportFilters) -> dict:
    """Complaints received in the period by urgency (with response and resolution deadline compliance:
    on time / decided, where decided = answered, or past the deadline) and by cause."""
    now = timezone.now()
    qs = Complaint.objects.filter(customer_q(user, filters, "customer__", live=live_by_anti_join()),
                                  period_q("received_at", filters))
    rows = {r["urgency"]: r for r in qs.order_by().values("urgency").annotate(
        count=Count("id"),
        response_decided=Count("id", filter=Q(responded_at__isnull=False) | Q(response_due_at__lt=now)),
        responded_on_time=Count("id", filter=Q(responded_at__lte=F("response_due_at"))),
        resolve_decided=Count("id", filter=Q(closed_at__isnull=False) | Q(resolve_due_at__lt=now)),
        resolved_on_time=Count("id", filter=Q(closed_at__lte=F("resolve_due_at"))))}
    sums = ["count", "response_decided", "responded_on_time", "resolve_decided", "resolved_on_time"]
    urgency = [{"key": u.value, **{k: rows.get(u.value, {}).get(k, 0) for k in sums}}
               for u in (Urgency.CRITICAL, Urgency.URGENT, Urgency.GENERAL)]
    total = _total(urgency, sums)
    for r in [*urgency, total]:
        r["response_rate"] = ratio(r["responded_on_time"], r["response_decided"])
        r["resolve_rate"] = ratio(r["resolved_on_time"], r["resolve_decided"])
    causes = [{"key": r["cause"], "count": r["count"]}
              for r in qs.order_by().values("cause").annotate(count=Count("id")).order_by("-count", "cause")]
    return {"urgency": urgency, "total": total, "causes": causes}
