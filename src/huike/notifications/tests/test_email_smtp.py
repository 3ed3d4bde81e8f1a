"""Email through Django's SMTP backend to a real SMTP server (aiosmtpd) running in the test process."""
from __future__ import annotations

import email
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from huike.automation import engine
from huike.automation.models import ActionRun, Rule
from huike.core.tests.processes import free_port
from huike.notifications.models import ChannelPreference, Delivery, DeliveryStatus
from huike.notifications.services import notify
from huike.testing.factories import make_customer


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((envelope.rcpt_tos, msg["Subject"], msg.get_content().strip().replace("\r\n", "\n")))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_notification_is_emailed_when_the_user_chose_email(org, smtp, django_capture_on_commit_callbacks):
    # given
    org.ra1.email = "ra1@example.com"
    org.ra1.save()
    ChannelPreference.objects.create(user=org.ra1, email=True)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=org.ra1, title="导出已完成", body="客户列表已生成", url="http://crm.example/x.xlsx", key="e:1")

    # then
    assert smtp.messages == [(["ra1@example.com"], "导出已完成", "客户列表已生成\n\nhttp://crm.example/x.xlsx")]
    assert list(Delivery.objects.values_list("channel", "status")) == [("email", DeliveryStatus.SENT)]


def test_an_unreachable_smtp_server_leaves_the_delivery_pending_for_a_retry(org, settings,
                                                                           django_capture_on_commit_callbacks):
    # given: nothing listens on the port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    org.ra1.email = "ra1@example.com"
    org.ra1.save()
    ChannelPreference.objects.create(user=org.ra1, email=True)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=org.ra1, title="x", key="e:2")

    # then
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error.startswith("email:")
    assert delivery.next_attempt_at is not None


def test_a_rule_email_action_sends_to_the_owner(org, smtp):
    # given
    org.ra1.email = "ra1@example.com"
    org.ra1.save()
    customer = make_customer(org.ra1)
    rule = Rule.objects.create(name="mail", trigger="customer_changed", actions=[
        {"type": "email", "to": "owner", "subject": "请跟进{name}", "body": "客户编号 {code}"}])
    run = ActionRun.objects.create(rule=rule, key="m:1", customer=customer, action=rule.actions[0])

    # when
    done = engine.execute(run.pk)

    # then
    assert done == 1
    assert smtp.messages == [(["ra1@example.com"], f"请跟进{customer.name}", f"客户编号 {customer.code}")]
