"""Writes on notifications. notify() is idempotent by key and fans out to the user's channels
after commit (the outbox rows are part of the same transaction, so nothing is lost)."""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.accounts.models import User
from huike.core.errors import FieldErrors, Forbidden

from .models import ChannelPreference, Delivery, DeliveryStatus, Notification


def notify(*, user: User, title: str, body: str = "", url: str = "", kind: str = "info",
           key: str | None = None) -> Notification | None:
    """Put a notification in the user's centre; None when `key` was already used."""
    with transaction.atomic():
        if key and Notification.objects.filter(key=key).exists():
            return None
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user, title=title[:200], body=body, url=url[:500], kind=kind[:30], key=key or None)
        except IntegrityError:  # another worker used the key between our check and insert
            return None
        channels = channels_for(user)
        if channels:
            Delivery.objects.bulk_create([Delivery(notification=notification, channel=c) for c in channels])
            transaction.on_commit(lambda: _enqueue_delivery(notification.pk))
    return notification


def _enqueue_delivery(notification_id: int) -> None:
    from .tasks import deliver_notification  # tasks import services; import late to avoid a cycle

    deliver_notification(notification_id)


def channels_for(user: User) -> list[str]:
    pref = ChannelPreference.objects.filter(user=user).first()
    return pref.enabled_channels() if pref else []


def mark_read(*, actor: User, notification: Notification) -> Notification:
    if notification.user_id != actor.pk:
        raise Forbidden(_("Only the person a notification is for can mark it read."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


def preference_update(*, actor: User, email: bool, sms: bool, im: bool, phone: str = "",
                      im_handle: str = "") -> ChannelPreference:
    errors: dict[str, list[str]] = {}
    if email and not actor.email:
        errors["email"] = [_("Your account has no email address; ask an admin to add one.")]
    if sms and not phone.strip():
        errors["phone"] = [_("Enter a mobile phone number to receive SMS.")]
    if im and not im_handle.strip():
        errors["im_handle"] = [_("Enter your IM account to receive instant messages.")]
    if errors:
        raise FieldErrors(errors)
    pref, _created = ChannelPreference.objects.update_or_create(
        user=actor, defaults={"email": email, "sms": sms, "im": im, "phone": phone.strip(),
                              "im_handle": im_handle.strip()})
    return pref


# Retry schedule for a failing channel: 1 min, 5 min, 30 min, 2 h, then it is shown as failed.
BACKOFF = [dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2)]
CLAIM_LEASE = dt.timedelta(minutes=5)


def delivery_claim(delivery_id: int, now: dt.datetime) -> bool:
    """Take a pending delivery for one attempt; a second worker's claim fails, so nothing is sent twice
    at once. The lease expires, so a worker killed mid-send leaves it for the sweep."""
    from django.db.models import Q

    return bool(Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .update(next_attempt_at=now + CLAIM_LEASE))


def delivery_succeeded(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), attempts=delivery.attempts + 1, last_error="")


def delivery_failed(delivery: Delivery, error: str) -> None:
    attempts = delivery.attempts + 1
    if attempts > len(BACKOFF):
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, attempts=attempts, last_error=error[:2000], next_attempt_at=None)
    else:
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts, last_error=error[:2000], next_attempt_at=timezone.now() + BACKOFF[attempts - 1])


def delivery_retry(*, actor: User, delivery: Delivery) -> None:
    """Admin's retry button on a failed delivery: back to pending, sent on the next sweep or at once."""
    if not actor.is_admin:
        raise Forbidden(_("Only an admin can retry a failed delivery."))
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, next_attempt_at=None, attempts=0)
    transaction.on_commit(lambda: _enqueue_delivery(delivery.notification_id))


def notify_insert_select(select_sql: str, params: list, *, kind: str, now: dt.datetime) -> int:
    """Set-based notify(): insert the rows of `select_sql` (columns user_id, title, body, url, key) whose key
    is new — one INSERT … SELECT … ON CONFLICT DO NOTHING — then queue their channel deliveries.
    For sweeps that may notify thousands at once; returns how many notifications were new."""
    from django.db import connection

    table = Notification._meta.db_table
    sql = (f"INSERT INTO {table} (user_id, title, body, url, key, kind, read_at, created_at) "
           f"SELECT s.user_id, s.title, s.body, s.url, s.key, %s, NULL, %s FROM ({select_sql}) s WHERE 1 = 1 "
           "ON CONFLICT (key) DO NOTHING")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [kind, now, *params])
            made = max(cursor.rowcount, 0)
        if made:
            _deliveries_for_new(kind, now)
    return made


def _deliveries_for_new(kind: str, now: dt.datetime) -> None:
    """Outbox rows for the just-inserted notifications of users who chose other channels (few users)."""
    fresh = Notification.objects.filter(kind=kind, created_at=now)
    rows = []
    for pref in ChannelPreference.objects.filter(user__in=fresh.values("user_id")):
        channels = pref.enabled_channels()
        if channels:
            ids = fresh.filter(user_id=pref.user_id).values_list("id", flat=True)
            rows += [Delivery(notification_id=i, channel=c) for i in ids for c in channels]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    for notification_id in {r.notification_id for r in rows}:
        transaction.on_commit(lambda n=notification_id: _enqueue_delivery(n))
