"""Writes on reminders. Creation is idempotent by key: a retry or a second worker adds nothing."""
from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg._copy_base import format_row_text  # what copy.write_row calls (psycopg's C formatter)
from psycopg.adapt import Transformer

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


# The columns of reminders_create_rows and of the staging table: an open reminder, not done.
REMINDER_COLUMNS = ("user_id", "customer_id", "title", "body", "due_at", "source", "key", "created_at")
REMINDER_STAGE = "automation_reminder_stage"


def reminders_create_rows(rows: list[tuple]) -> int:
    """reminders_create for a run that makes hundreds of thousands (a classification's strategy tasks): rows
    of REMINDER_COLUMNS, datetimes in the engine's own form, inserted set-based where the key is new.
    Returns how many were new. PostgreSQL stages them by COPY and inserts with one statement."""
    if not rows:
        return 0
    reminders_stage()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {REMINDER_STAGE} ({', '.join(REMINDER_COLUMNS)}) FROM STDIN") as copy:
                copy.write(reminders_stage_text(rows))
        else:
            marks = ", ".join(["%s"] * len(REMINDER_COLUMNS))
            cur.executemany(f"INSERT INTO {REMINDER_STAGE} ({', '.join(REMINDER_COLUMNS)}) VALUES ({marks})", rows)
    return reminders_from_stage()


def reminders_stage() -> None:
    """An empty staging table REMINDER_STAGE (REMINDER_COLUMNS) for this transaction: a bulk writer fills it
    (COPY of reminders_stage_text on PostgreSQL, INSERTs on SQLite) while it builds its other rows, then
    reminders_from_stage creates the reminders."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {REMINDER_STAGE} (user_id bigint, customer_id bigint, "
                        "title varchar(200), body text, due_at timestamptz, source varchar(30), key varchar(200), "
                        "created_at timestamptz) ON COMMIT DROP")
        else:
            cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {REMINDER_STAGE} ({', '.join(REMINDER_COLUMNS)})")
        cur.execute(f"DELETE FROM {REMINDER_STAGE}")


def reminders_stage_text(rows: list[tuple]) -> bytes:
    """The rows as COPY text, escaped by psycopg's own formatter (what copy.write_row writes): titles and
    bodies are the admins' strategy texts and may hold tabs, newlines or backslashes."""
    out = bytearray()
    tx = Transformer()
    for row in rows:
        format_row_text(row, tx, out)
    return bytes(out)


def reminders_from_stage() -> int:
    """Create the staged reminders whose key is new (open); empties the stage. Returns how many were new."""
    with connection.cursor() as cur:
        cur.execute(*reminders_from_stage_sql())
        created = cur.rowcount
        cur.execute(f"DELETE FROM {REMINDER_STAGE}")
    return created


def reminders_from_stage_sql() -> tuple[str, list]:
    """The statement and parameters that create the staged reminders whose key is new (open); its row count is
    how many were new. For a bulk writer that runs it on its own (then empties REMINDER_STAGE)."""
    cols = ", ".join(REMINDER_COLUMNS)
    # WHERE true: SQLite reads ON CONFLICT after a bare FROM as a join constraint
    return (f"INSERT INTO {Reminder._meta.db_table} ({cols}, status) SELECT {cols}, %s "
            f"FROM {REMINDER_STAGE} WHERE true ON CONFLICT (key) DO NOTHING", [ReminderStatus.OPEN.value])


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
