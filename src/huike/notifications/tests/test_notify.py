from __future__ import annotations

from huike.notifications.models import ChannelPreference, Delivery, DeliveryStatus, Notification
from huike.notifications.providers import LoggingProvider
from huike.notifications.services import notify


def test_notify_puts_one_notification_in_the_users_centre(org):
    # given / when
    n = notify(user=org.ra1, title="导出已完成", body="客户列表", url="/exports/1/", kind="export", key="export:1")

    # then
    assert n is not None
    assert list(Notification.objects.values_list("user__username", "title", "url", "kind", "read_at")) == [
        ("ra1", "导出已完成", "/exports/1/", "export", None)]


def test_notify_twice_with_the_same_key_creates_nothing_the_second_time(org):
    # given
    notify(user=org.ra1, title="first", key="k:1")

    # when
    second = notify(user=org.ra1, title="second", key="k:1")

    # then
    assert second is None
    assert list(Notification.objects.values_list("title", flat=True)) == ["first"]


def test_notify_without_key_is_never_deduplicated(org):
    # when
    notify(user=org.ra1, title="a")
    notify(user=org.ra1, title="a")

    # then
    assert Notification.objects.filter(user=org.ra1).count() == 2


def test_notify_sends_on_enabled_channels_after_commit(org, django_capture_on_commit_callbacks):
    # given
    ChannelPreference.objects.create(user=org.ra1, sms=True, phone="13900000001")
    LoggingProvider.sent = []

    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=org.ra1, title="客户升级", body="意向变为高", key="up:1")

    # then
    assert list(Delivery.objects.values_list("channel", "status", "attempts")) == [("sms", DeliveryStatus.SENT, 1)]
    assert LoggingProvider.sent == [{"channel": "sms", "to": "13900000001", "title": "客户升级",
                                     "body": "意向变为高", "url": ""}]


def test_notify_with_no_channels_writes_no_delivery(org):
    # when
    notify(user=org.ra1, title="x")

    # then
    assert Delivery.objects.count() == 0


def test_logging_provider_never_writes_a_full_phone_or_email_to_the_log(caplog):
    # given the logging provider
    provider = LoggingProvider()
    # when an SMS and an email pass through it
    with caplog.at_level("INFO", logger="huike.notifications"):
        provider.send(channel="sms", to="13912345678", title="t", body="b", url="")
        provider.send(channel="email", to="alice@example.com", title="t", body="b", url="")
    # then the log names the recipients masked only
    text = caplog.text
    assert "13912345678" not in text and "alice@example.com" not in text
    assert '"to": "139****5678"' in text and '"to": "a***@example.com"' in text
