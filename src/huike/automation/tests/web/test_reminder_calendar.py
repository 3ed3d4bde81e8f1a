"""Reminders grouped with snooze; the calendar page; the iCalendar feed behind a secret token."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from huike.automation.models import CalendarToken, Reminder
from huike.customers.models import Customer
from huike.testing.factories import make_customer


def _reminder(user, customer, key, due, title="回访客户"):
    return Reminder.objects.create(user=user, customer=customer, title=title, due_at=due, source="manual", key=key)


def test_reminders_are_grouped_overdue_today_upcoming(client, org):
    c = make_customer(org.ra1)
    now = timezone.localtime()
    _reminder(org.ra1, c, "a", now - dt.timedelta(days=2), "逾期任务")
    _reminder(org.ra1, c, "b", now.replace(hour=23, minute=59), "今天任务")
    _reminder(org.ra1, c, "c", now + dt.timedelta(days=3), "以后任务")
    client.force_login(org.ra1)
    body = client.get(reverse("automation:reminders")).content.decode()
    assert body.index('data-group="overdue"') < body.index("逾期任务") < body.index('data-group="today"')
    assert body.index("今天任务") < body.index('data-group="upcoming"') < body.index("以后任务")


def test_snooze_moves_the_due_time_to_tomorrow_morning(client, org):
    c = make_customer(org.ra1)
    r = _reminder(org.ra1, c, "a", timezone.now() - dt.timedelta(hours=1))
    client.force_login(org.ra1)
    client.post(reverse("automation:reminder_snooze", args=[r.pk]), {"for": "1d"})
    r.refresh_from_db()
    local = timezone.localtime(r.due_at)
    assert (local.date(), local.hour, local.minute) == (timezone.localdate() + dt.timedelta(days=1), 9, 0)


def test_nobody_else_can_snooze_my_reminder(client, org):
    c = make_customer(org.ra1)
    due = timezone.now() + dt.timedelta(hours=1)
    r = _reminder(org.ra1, c, "a", due)
    client.force_login(org.ra2)
    assert client.post(reverse("automation:reminder_snooze", args=[r.pk]), {"for": "1w"}).status_code == 404
    r.refresh_from_db()
    assert r.due_at == due


def test_calendar_shows_due_follow_ups_and_tasks_of_the_week(client, org):
    c = make_customer(org.ra1, name="日历测试有限公司")
    when = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    Customer.objects.filter(pk=c.pk).update(next_followup_at=when)
    _reminder(org.ra1, c, "a", when + dt.timedelta(hours=1), "发送报价单")
    client.force_login(org.ra1)
    for view in ("month", "week"):
        body = client.get(reverse("automation:calendar"), {"view": view}).content.decode()
        assert "日历测试有限公司" in body and "发送报价单" in body


def test_ical_feed_lists_the_users_follow_ups_behind_the_token(client, org):
    # given
    c = make_customer(org.ra1, name="订阅测试, 有限公司")
    when = timezone.now() + dt.timedelta(days=2)
    Customer.objects.filter(pk=c.pk).update(next_followup_at=when)
    client.force_login(org.ra1)
    client.get(reverse("automation:calendar"))
    token = CalendarToken.objects.get(user=org.ra1).token
    client.logout()

    # when
    response = client.get(reverse("automation:ical", args=[token]))

    # then
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:订阅测试\\, 有限公司\r\n" in body
    assert f"DTSTART:{when.astimezone(dt.timezone.utc):%Y%m%dT%H%M%S}Z" in body


def test_a_regenerated_token_cuts_off_the_old_feed(client, org):
    client.force_login(org.ra1)
    client.get(reverse("automation:calendar"))
    old = CalendarToken.objects.get(user=org.ra1).token
    client.post(reverse("automation:calendar_token"))
    new = CalendarToken.objects.get(user=org.ra1).token
    client.logout()
    assert old != new
    assert client.get(reverse("automation:ical", args=[old])).status_code == 404
    assert client.get(reverse("automation:ical", args=[new])).status_code == 200
