"""The user's follow-up calendar (R-7 reminders): what is due when, for the page and the iCalendar feed."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from huike.accounts.models import User
from huike.customers.models import Customer

from .models import CalendarToken, Reminder, ReminderStatus


@dataclass
class Entry:
    uid: str
    at: dt.datetime
    title: str
    kind: str            # due | planned | task
    customer_id: int | None
    customer: str = ""


def entries(user: User, start: dt.datetime, end: dt.datetime) -> list[Entry]:
    """Follow-ups due (customers' next follow-up time), planned ones and open tasks, in [start, end)."""
    from huike.followups.models import FollowUp

    out: list[Entry] = []
    customers = Customer.objects.filter(owner=user, deleted_at__isnull=True)
    for c in customers.filter(next_followup_at__gte=start, next_followup_at__lt=end).only(
            "id", "code", "name", "next_followup_at"):
        out.append(Entry(f"due-{c.pk}-{c.next_followup_at:%Y%m%d%H%M}", c.next_followup_at, c.name, "due", c.pk,
                         f"{c.code} {c.name}"))
    planned = (FollowUp.objects.filter(Q(author=user) | Q(customer__owner=user), customer__deleted_at__isnull=True,
                                       next_followup_at__gte=start, next_followup_at__lt=end)
               .select_related("customer").order_by("next_followup_at")[:500])
    for f in planned:
        out.append(Entry(f"planned-{f.pk}", f.next_followup_at, f.next_action or f.customer.name, "planned",
                         f.customer_id, f"{f.customer.code} {f.customer.name}"))
    tasks = Reminder.objects.filter(user=user, status=ReminderStatus.OPEN, due_at__gte=start, due_at__lt=end)
    for r in tasks.select_related("customer")[:500]:
        out.append(Entry(f"task-{r.pk}", r.due_at, r.title, "task", r.customer_id,
                         f"{r.customer.code} {r.customer.name}" if r.customer else ""))
    return sorted(out, key=lambda e: e.at)


def token_for(user: User) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    return token


def token_regenerate(*, actor: User) -> CalendarToken:
    """A new secret: calendars subscribed with the old URL stop receiving anything."""
    token, _created = CalendarToken.objects.update_or_create(user=actor, defaults={"token": secrets.token_urlsafe(32)})
    return token


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space (UTF-8 safe)."""
    out, current = [], b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += b
    out.append(current.decode())
    return "\r\n ".join(out)


def ical(user: User, base_url: str, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    stamp = now.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Huike CRM//Follow-ups//ZH", "CALSCALE:GREGORIAN",
             "X-WR-CALNAME:" + _escape(f"汇客 · {user}")]
    for e in entries(user, now - dt.timedelta(days=30), now + dt.timedelta(days=120)):
        start = e.at.astimezone(dt.timezone.utc)
        lines += ["BEGIN:VEVENT", f"UID:{e.uid}@huike", f"DTSTAMP:{stamp}",
                  f"DTSTART:{start:%Y%m%dT%H%M%SZ}", f"DTEND:{start + dt.timedelta(minutes=30):%Y%m%dT%H%M%SZ}",
                  "SUMMARY:" + _escape(e.title if not e.customer or e.kind == "due" else f"{e.title} · {e.customer}"),
                  "DESCRIPTION:" + _escape(e.customer)]
        if e.customer_id:
            lines.append(f"URL:{base_url}/customers/{e.customer_id}/")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
