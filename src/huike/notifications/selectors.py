from __future__ import annotations

from django.db.models import QuerySet

from huike.accounts.models import User

from .models import Delivery, DeliveryStatus, Notification


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet:
    """The user's own notifications, newest first (nobody reads another's)."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def failed_deliveries() -> QuerySet:
    return (Delivery.objects.filter(status=DeliveryStatus.FAILED)
            .select_related("notification__user").order_by("-created_at"))
