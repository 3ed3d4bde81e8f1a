"""Worker side of notifications: send the outbox rows, and a periodic sweep for the ones left behind."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .models import Channel, Delivery, DeliveryStatus
from .providers import DeliveryError, message_provider, send_email
from .services import delivery_claim, delivery_failed, delivery_succeeded


@db_task()
def deliver_notification(notification_id: int) -> int:
    ids = list(Delivery.objects.filter(notification_id=notification_id, status=DeliveryStatus.PENDING)
               .values_list("id", flat=True))
    return sum(deliver_one(i) for i in ids)


@db_periodic_task(crontab(minute="*"))
def sweep_deliveries() -> int:
    """Pending deliveries whose retry time came, or whose worker died (lease expired)."""
    now = timezone.now()
    ids = list(Delivery.objects.filter(status=DeliveryStatus.PENDING)
               .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True,
                                                      created_at__lte=now - dt.timedelta(minutes=1)))
               .values_list("id", flat=True)[:500])
    return sum(deliver_one(i) for i in ids)


def deliver_one(delivery_id: int) -> int:
    """1 when sent now; 0 when another worker has it, it failed, or it was already done."""
    if not delivery_claim(delivery_id, timezone.now()):
        return 0
    delivery = Delivery.objects.select_related("notification__user__notification_preference").get(pk=delivery_id)
    try:
        _send(delivery)
    except DeliveryError as e:
        delivery_failed(delivery, str(e))
        return 0
    delivery_succeeded(delivery)
    return 1


def _send(delivery: Delivery) -> None:
    n = delivery.notification
    user = n.user
    if delivery.channel == Channel.EMAIL:
        send_email(to=user.email, title=n.title, body=n.body, url=n.url)
        return
    pref = user.notification_preference
    to = pref.phone if delivery.channel == Channel.SMS else pref.im_handle
    message_provider().send(channel=delivery.channel, to=to, title=n.title, body=n.body, url=n.url)
