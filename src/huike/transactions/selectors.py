from __future__ import annotations

from django.db.models import QuerySet

from huike.accounts import policies
from huike.accounts.models import User

from .models import Contract, Order


def order_list(*, user: User, customer_id=None) -> QuerySet:
    qs = policies.scoped(user, Order.objects.all(), "customer__").select_related("customer")
    return qs.filter(customer_id=customer_id) if customer_id else qs


def contract_list(*, user: User, customer_id=None) -> QuerySet:
    qs = policies.scoped(user, Contract.objects.all(), "customer__").select_related("customer")
    return qs.filter(customer_id=customer_id) if customer_id else qs
