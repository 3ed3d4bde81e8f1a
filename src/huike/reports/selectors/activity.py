"""Follow-up efficiency, customer health and service reports (R-10)."""
from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone

from huike.accounts.models import User
from huike.customers.models import Customer
from huike.service.models import Complaint, Urgency

from ..filters import ReportFilters, customer_q, period_q
from ..models import CustomerFact
from ._sql import fetch, hours_sum, ratio, subquery
from .book import fact_cohort


def _owner_names(ids) -> dict[int, str]:
    return {u.pk: str(u) for u in User.objects.filter(pk__in=list(ids))}


def _total(rows: list[dict], sums: list[str]) -> dict:
    return {k: sum(r[k] for r in rows) for k in sums}


def followup_efficiency(*, user: User, filters: ReportFilters) -> dict:
    """Per owner, for the customers created in the period: how fast the first follow-up came (hours after
    first contact, or after registration when no first contact is recorded), and how many high-intent
    customers closed; plus the customers overdue for a follow-up now (not period-bound)."""
    base_sql, params = subquery(fact_cohort(user, filters).order_by().values(
        "owner_id", "intent", "stage", "first_contact_at", "created_at", "first_followup_at"))
    rows = fetch(
        f"SELECT t.owner_id, COUNT(*), COUNT(t.first_followup_at), "
        f"{hours_sum('t.first_followup_at', 'COALESCE(t.first_contact_at, t.created_at)')}, "
        "SUM(CASE WHEN t.intent = 'high' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN t.intent = 'high' AND t.stage = 'closed' THEN 1 ELSE 0 END) "
        f"FROM ({base_sql}) t GROUP BY t.owner_id", params)
    overdue = dict(
        Customer.objects.filter(customer_q(user, filters), next_followup_at__lt=timezone.now())
        .exclude(stage="lost", next_followup_reason="").order_by().values_list("owner_id").annotate(n=Count("*")))
    by_owner = {r[0]: r for r in rows}
    names = _owner_names({*by_owner, *overdue})
    out = []
    for owner_id in sorted(names, key=lambda pk: names[pk]):
        _, customers, responded, hours, high, high_closed = by_owner.get(owner_id, (owner_id, 0, 0, None, 0, 0))
        out.append({"key": str(owner_id), "label": names[owner_id], "customers": customers, "responded": responded,
                    "hours_sum": float(hours or 0), "overdue": overdue.get(owner_id, 0),
                    "high_intent": int(high or 0), "high_intent_closed": int(high_closed or 0)})
    total = _total(out, ["customers", "responded", "hours_sum", "overdue", "high_intent", "high_intent_closed"])
    for r in [*out, total]:
        r["avg_first_response_hours"] = round(r.pop("hours_sum") / r["responded"], 1) if r["responded"] else None
        r["high_intent_conversion"] = ratio(r["high_intent_closed"], r["high_intent"])
    return {"rows": out, "total": total}


def _health_base(user: User, filters: ReportFilters) -> tuple:
    """Customers on the books during the period (created before its end, not lost before its start),
    and the condition of being lost within it."""
    base = CustomerFact.objects.filter(customer_q(user, filters))
    if filters.period_end:
        base = base.filter(created_at__lt=filters.end_before())
    if filters.period_start:
        base = base.exclude(stage="lost", stage_changed_at__lt=filters.start_at())
    return base, Q(stage="lost") & period_q("stage_changed_at", filters)


def health(*, user: User, filters: ReportFilters) -> dict:
    """Per owner: churn rate (lost in the period / on the books) and the retention of high-value customers;
    the churn reasons of the customers lost in the period."""
    base, churned = _health_base(user, filters)
    high = Q(value_tier="high")
    rows = list(base.order_by().values("owner_id").annotate(
        base=Count("pk"), churned=Count("pk", filter=churned),
        high_value=Count("pk", filter=high), high_value_lost=Count("pk", filter=high & churned)))
    names = _owner_names(r["owner_id"] for r in rows)
    out = [{"key": str(r.pop("owner_id")), **r} for r in rows]
    for r in out:
        r["label"] = names.get(int(r["key"]), "")
    out.sort(key=lambda r: r["label"])
    total = _total(out, ["base", "churned", "high_value", "high_value_lost"])
    for r in [*out, total]:
        r["churn_rate"] = ratio(r["churned"], r["base"])
        r["high_value_retention"] = ratio(r["high_value"] - r["high_value_lost"], r["high_value"])
    reasons = [{"key": r["lost_reason"], "count": r["count"]} for r in
               base.filter(churned).order_by().values("lost_reason").annotate(count=Count("pk"))
               .order_by("-count", "lost_reason")]
    return {"rows": out, "total": total, "reasons": reasons}


def service(*, user: User, filters: ReportFilters) -> dict:
    """Complaints received in the period by urgency (with response and resolution deadline compliance:
    on time / decided, where decided = answered, or past the deadline) and by cause."""
    now = timezone.now()
    qs = Complaint.objects.filter(customer_q(user, filters, "customer__"), period_q("received_at", filters))
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
