"""Sales by owner and by month: amount, orders, customers with orders (R-10)."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth

from huike.accounts.models import User
from huike.transactions.models import Order

from ..filters import ReportFilters, customer_q, period_q

SALES_KEYS = ("owner", "month")


def _money(value) -> str:
    return str((value or Decimal("0")).quantize(Decimal("0.01")))


def sales(*, user: User, by: str, filters: ReportFilters) -> list[dict]:
    """[{key, label, amount, orders, customers}]: by owner (key = the owner's id; largest amount first)
    or by month (key = YYYY-MM, in order), over the orders dated within the period."""
    if by not in SALES_KEYS:
        raise ValueError(by)
    orders = Order.objects.filter(customer_q(user, filters, "customer__"), period_q("date", filters, dates=True))
    if by == "owner":
        group = orders.values(key=F("customer__owner_id"))
        order_by = ("-amount", "key")
    else:
        group = orders.annotate(key=TruncMonth("date")).values("key")
        order_by = ("key",)
    rows = group.annotate(amount=Sum("amount"), orders=Count("id"), customers=Count("customer_id", distinct=True)) \
        .order_by(*order_by)
    out = [{"key": r["key"], "amount": _money(r["amount"]), "orders": r["orders"], "customers": r["customers"]}
           for r in rows]
    if by == "owner":
        names = {u.pk: str(u) for u in User.objects.filter(pk__in=[r["key"] for r in out])}
        for r in out:
            r["label"] = names.get(r["key"], "")
            r["key"] = str(r["key"])
    else:
        for r in out:
            r["key"] = r["key"].strftime("%Y-%m")
            r["label"] = r["key"]
    return out
