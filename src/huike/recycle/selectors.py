"""What the recycle bin shows an admin: deleted customers and binned records, newest first."""
from __future__ import annotations

from django.db.models import QuerySet

from huike.accounts import policies
from huike.accounts.models import User
from huike.customers.models import Customer

from .models import BinnedRecord


def deleted_customers(*, user: User) -> QuerySet:
    policies.require_admin(user)
    return Customer.objects.filter(deleted_at__isnull=False).select_related("owner").order_by("-deleted_at", "-id")


def binned_records(*, user: User) -> QuerySet:
    policies.require_admin(user)
    return BinnedRecord.objects.select_related("deleted_by").order_by("-deleted_at", "-id")


def customer_names(ids) -> dict[int, str]:
    """Names of the customers binned records belonged to (deleted ones included)."""
    return {pk: f"{code} {name}" for pk, code, name in
            Customer.objects.filter(pk__in=set(ids)).values_list("pk", "code", "name")}
