"""Sales by owner and by month: amount and orders (from the orders, through the OwnerDaySales summary)
and closed customers (customers moved to the closed stage in the period), R-10."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth

from huike.accounts import policies
from huike.accounts.models import User
from huike.customers.models import StageChange

from ..filters import ReportFilters, customer_q, live_by_anti_join, period_q
from ..models import OwnerDaySales

SALES_KEYS = ("owner", "month")


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def _owner_rows(user: User, filters: ReportFilters):
    """Summary rows of the owners whose customers the user may see (the summary holds live customers only)."""
    owners = policies.users_visible(user).values("pk")
    if filters.team is not None:
        owners = owners.filter(team_id=filters.team)
    qs = OwnerDaySales.objects.filter(owner_id__in=owners)
    if filters.owner is not None:
        qs = qs.filter(owner_id=filters.owner)
    return qs.filter(period_q("day", filters, dates=True))


def sales(*, user: User, by: str, filters: ReportFilters, closed_customers: bool = True) -> list[dict]:
    """[{key, label, amount, orders, customers}] by owner (key = the owner's id; largest amount first) or by
    month (key = YYYY-MM, in order): the orders dated within the period, and the customers closed in it
    (left at 0 with closed_customers=False, for a chart that shows amounts only)."""
    if by not in SALES_KEYS:
        raise ValueError(by)
    # scoped through the customers' narrow facts rows (owner copied there), "live" as an anti-join
    closed = StageChange.objects.filter(customer_q(user, filters, "fact__", live=live_by_anti_join()),
                                        period_q("at", filters), to_stage="closed")
    if not closed_customers:
        closed = closed.none()
    if by == "owner":
        money = _owner_rows(user, filters).values(key=F("owner_id"))
        closed = closed.values(key=F("fact__owner_id"))
    else:
        money = _owner_rows(user, filters).annotate(key=TruncMonth("day")).values("key")
        closed = closed.annotate(key=TruncMonth("at")).values("key")
    rows: dict = {}
    for r in money.annotate(amount=Sum("amount"), orders=Sum("orders")).order_by():
        if r["orders"]:
            rows[_key(by, r["key"])] = {"amount": r["amount"], "orders": r["orders"], "customers": 0}
    for r in closed.annotate(customers=Count("customer_id", distinct=True)).order_by():
        rows.setdefault(_key(by, r["key"]), {"amount": 0, "orders": 0, "customers": 0})["customers"] = r["customers"]
    out = [{"key": k, "label": k, "amount": _money(v["amount"]), "orders": v["orders"], "customers": v["customers"]}
           for k, v in rows.items()]
    if by == "owner":
        names = {str(u.pk): str(u) for u in User.objects.filter(pk__in=[int(r["key"]) for r in out])}
        for r in out:
            r["label"] = names.get(r["key"], "")
        return sorted(out, key=lambda r: (-Decimal(r["amount"]), -r["customers"], int(r["key"])))
    return sorted(out, key=lambda r: r["key"])


def _key(by: str, value) -> str:
    return str(value) if by == "owner" else value.strftime("%Y-%m")
