from __future__ import annotations

from django.db.models import QuerySet

from huike.accounts import policies
from huike.accounts.models import User

from .models import Complaint


def complaint_list(*, user: User, customer_id=None, status: str = "", urgency: str = "") -> QuerySet:
    qs = policies.scoped(user, Complaint.objects.all(), "customer__").select_related("customer", "customer__owner")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if status:
        qs = qs.filter(status=status)
    if urgency:
        qs = qs.filter(urgency=urgency)
    return qs
