from __future__ import annotations

import datetime as dt

from django.utils import timezone

from huike.automation.models import Reminder
from huike.testing.factories import make_customer


def _reminder(user, key):
    return Reminder.objects.create(user=user, customer=make_customer(user), title="回访", source="manual", key=key,
                                   due_at=timezone.now() - dt.timedelta(hours=1))


def test_done_and_snooze_my_reminder_through_the_api(client, org):
    r = _reminder(org.ra1, "a")
    client.force_login(org.ra1)
    later = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    body = client.post(f"/api/v1/reminders/{r.pk}/snooze/", {"until": later.isoformat()},
                       content_type="application/json").json()
    assert dt.datetime.fromisoformat(body["due_at"]) == later
    assert client.post(f"/api/v1/reminders/{r.pk}/done/").json()["status"] == "done"


def test_snooze_into_the_past_is_400_and_changes_nothing(client, org):
    r = _reminder(org.ra1, "a")
    client.force_login(org.ra1)
    response = client.post(f"/api/v1/reminders/{r.pk}/snooze/", {"until": "2020-01-01T09:00:00+08:00"},
                           content_type="application/json")
    assert response.status_code == 400 and "until" in response.json()
    assert Reminder.objects.get(pk=r.pk).due_at == r.due_at


def test_another_users_reminder_is_404(client, org):
    r = _reminder(org.ra1, "a")
    client.force_login(org.ra2)
    assert client.post(f"/api/v1/reminders/{r.pk}/done/").status_code == 404
    assert Reminder.objects.get(pk=r.pk).status == "open"


def test_due_before_with_any_offset_python_parses_is_answered_and_impossible_dates_are_400(client, org):
    # given ra1's overdue reminder
    r = _reminder(org.ra1, "a")
    client.force_login(org.ra1)
    # when due_before carries an offset PostgreSQL itself refuses (-17:52), then an impossible date
    odd = client.get("/api/v1/reminders/", {"due_before": "2999-05-08T12:27:07-17:52"})
    impossible = client.get("/api/v1/reminders/", {"due_before": "2026-13-40T09:00:00+08:00"})
    # then the first is read as its UTC moment and the second is a field error
    assert (odd.status_code, [row["id"] for row in odd.json()["results"]]) == (200, [r.pk])
    assert (impossible.status_code, list(impossible.json())) == (400, ["due_before"])
