from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from huike.accounts.models import User

from .models import Reminder, ReminderStatus


def reminder_list(*, user: User, due_before: dt.datetime | None = None, status: str = ReminderStatus.OPEN) -> QuerySet:
    """The user's own reminders (nobody reads another's), soonest first."""
    qs = Reminder.objects.filter(user=user).select_related("customer")
    if status:
        qs = qs.filter(status=status)
    if due_before:
        qs = qs.filter(due_at__lt=due_before)
    return qs.order_by("due_at", "id")
