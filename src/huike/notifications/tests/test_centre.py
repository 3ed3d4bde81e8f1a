"""Notification centre page, header badge, mark read, channel preferences, and the API."""
from __future__ import annotations

from django.urls import reverse

from huike.notifications.models import ChannelPreference, Notification
from huike.notifications.services import notify


def test_the_header_badge_counts_unread_notifications(client, org):
    notify(user=org.ra1, title="a")
    notify(user=org.ra1, title="b")
    notify(user=org.ra2, title="not mine")
    client.force_login(org.ra1)
    assert 'id="unread-count">2<' in client.get(reverse("notifications:badge")).content.decode()
    assert 'id="unread-count">2<' in client.get(reverse("automation:reminders")).content.decode()


def test_mark_read_only_for_the_owner(client, org):
    n = notify(user=org.ra1, title="a")
    client.force_login(org.ra2)
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    assert Notification.objects.get(pk=n.pk).read_at is None
    client.force_login(org.ra1)
    client.post(reverse("notifications:read", args=[n.pk]))
    assert Notification.objects.get(pk=n.pk).read_at is not None
    assert 'id="unread-count"' not in client.get(reverse("notifications:badge")).content.decode()


def test_open_marks_read_and_goes_to_the_link(client, org):
    n = notify(user=org.ra1, title="a", url="/tasks/")
    client.force_login(org.ra1)
    response = client.post(reverse("notifications:read", args=[n.pk]), {"go": "1"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"


def test_mark_all_read(client, org):
    notify(user=org.ra1, title="a")
    notify(user=org.ra1, title="b")
    client.force_login(org.ra1)
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.filter(user=org.ra1, read_at__isnull=True).count() == 0


def test_channel_preferences_are_saved_and_checked(client, org):
    client.force_login(org.ra1)
    bad = client.post(reverse("notifications:preferences"), {"sms": "on", "phone": ""})
    assert bad.status_code == 400 and ChannelPreference.objects.count() == 0
    client.post(reverse("notifications:preferences"), {"sms": "on", "phone": "13900000002"})
    pref = ChannelPreference.objects.get(user=org.ra1)
    assert (pref.sms, pref.phone, pref.email, pref.im) == (True, "13900000002", False, False)


def test_api_lists_only_my_notifications_and_marks_read(client, org):
    mine = notify(user=org.ra1, title="mine", url="/x/")
    notify(user=org.ra2, title="theirs")
    client.force_login(org.ra1)
    data = client.get("/api/v1/notifications/").json()
    assert data["count"] == 1
    assert {k: data["results"][0][k] for k in ("id", "title", "url", "kind", "read")} == {
        "id": mine.pk, "title": "mine", "url": "/x/", "kind": "info", "read": False}
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    assert client.post(f"/api/v1/notifications/{mine.pk}/read/").json()["read"] is True
    other = Notification.objects.get(title="theirs")
    assert client.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 0

