from __future__ import annotations

from django.db.models import QuerySet

from huike.accounts import policies
from huike.accounts.models import User

from .models import FollowUp, ReviewStatus


def followup_list(*, user: User, customer_id=None, review_status: str = "") -> QuerySet:
    qs = policies.scoped(user, FollowUp.objects.all(), "customer__").select_related(
        "customer", "customer__owner", "author", "reviewed_by"
    ).prefetch_related("attachments")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if review_status:
        qs = qs.filter(review_status=review_status)
    return qs.order_by("-occurred_at", "-id")


def review_queue(*, user: User) -> QuerySet:
    """Follow-ups waiting for this manager (their team's) or admin (all)."""
    if not policies.can_review(user):
        return FollowUp.objects.none()
    return followup_list(user=user, review_status=ReviewStatus.PENDING).order_by("occurred_at", "id")


def followup_get(*, user: User, pk) -> FollowUp:
    return policies.get_visible(user, followup_list(user=user), pk, "customer__")
