"""Writes on reminders. Creation is idempotent by key: a retry or a second worker adds nothing."""
from __future__ import annotations

from django.db import connection, transaction
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


# The columns of reminders_create_rows: an open reminder, not done.
REMINDER_COLUMNS = ("user_id", "customer_id", "title", "body", "due_at", "source", "key", "created_at")
_REMINDER_STAGE = "automation_reminder_stage"


def reminders_create_rows(rows: list[tuple]) -> int:
    """reminders_create for a run that makes hundreds of thousands (a classification's strategy tasks): rows
    of REMINDER_COLUMNS, datetimes in the engine's own form, inserted set-based where the key is new.
    Returns how many were new. PostgreSQL stages them by COPY and inserts with one statement."""
    if not rows:
        return 0
    table, cols = Reminder._meta.db_table, ", ".join(REMINDER_COLUMNS)
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * (len(REMINDER_COLUMNS) + 1))
            cur.executemany(f"INSERT INTO {table} ({cols}, status) VALUES ({marks}) ON CONFLICT (key) DO NOTHING",
                            [(*row, ReminderStatus.OPEN) for row in rows])
            return cur.rowcount
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_REMINDER_STAGE} (user_id bigint, customer_id bigint, "
                    "title varchar(200), body text, due_at timestamptz, source varchar(30), key varchar(200), "
                    "created_at timestamptz) ON COMMIT DROP")
        with cur.cursor.copy(f"COPY {_REMINDER_STAGE} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute(f"INSERT INTO {table} ({cols}, status) SELECT {cols}, %s FROM {_REMINDER_STAGE} "
                    "ON CONFLICT (key) DO NOTHING", [ReminderStatus.OPEN])
        created = cur.rowcount
        cur.execute(f"DELETE FROM {_REMINDER_STAGE}")
        return created


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
