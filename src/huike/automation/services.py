"""Writes on reminders. Creation is idempotent by key: a retry or a second worker adds nothing."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.accounts.models import User
from huike.core.errors import Forbidden

from .models import Reminder, ReminderStatus


def reminders_create(items: list[Reminder]) -> int:
    """Insert reminders whose key is new; returns how many were new."""
    if not items:
        return 0
    keys = [r.key for r in items]
    existing = set(Reminder.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = [r for r in items if r.key not in existing]
    Reminder.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    return len(fresh)


@transaction.atomic
def reminder_done(*, actor: User, reminder: Reminder) -> Reminder:
    if reminder.user_id != actor.pk:
        raise Forbidden(_("Only the person a reminder is for can complete it."))
    if reminder.status != ReminderStatus.DONE:
        reminder.status = ReminderStatus.DONE
        reminder.done_at = timezone.now()
        reminder.save(update_fields=["status", "done_at"])
    return reminder


@transaction.atomic
def reminder_snooze(*, actor: User, reminder: Reminder, until) -> Reminder:
    """Move an open reminder to a later time (it keeps its key, so no rule recreates it)."""
    from huike.core.errors import FieldErrors

    if reminder.user_id != actor.pk:
        raise Forbidden(_("Only the person a reminder is for can snooze it."))
    if until <= timezone.now():
        raise FieldErrors({"until": [_("Choose a time in the future.")]})
    if reminder.status == ReminderStatus.OPEN:
        reminder.due_at = until
        reminder.save(update_fields=["due_at"])
    return reminder
