"""Outgoing message channels. SMS and IM go through a provider interface so a deployment can plug in
its gateway: `log` (default, writes to the log) or `webhook` (POSTs JSON to HUIKE_MESSAGE_WEBHOOK_URL)."""
from __future__ import annotations

import json
import logging
import os
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail

from huike.customers.domain.masking import mask_email, mask_phone

log = logging.getLogger("huike.notifications")


class DeliveryError(Exception):
    """The channel refused or could not be reached; the delivery is retried later."""


class MessageProvider(Protocol):
    def send(self, *, channel: str, to: str, title: str, body: str, url: str) -> None: ...


class LoggingProvider:
    sent: list[dict] = []  # the last messages, for the admin's eyes and for tests

    def send(self, *, channel: str, to: str, title: str, body: str, url: str) -> None:
        message = {"channel": channel, "to": to, "title": title, "body": body, "url": url}
        # Logs must never hold a full phone number or email address: the recipient is masked there.
        logged = {**message, "to": mask_email(to) if "@" in to else mask_phone(to)}
        log.info("message %s", json.dumps(logged, ensure_ascii=False))
        LoggingProvider.sent = (LoggingProvider.sent + [message])[-100:]


class WebhookProvider:
    def __init__(self, url: str, timeout: float = 10.0):
        self.url = url
        self.timeout = timeout

    def send(self, *, channel: str, to: str, title: str, body: str, url: str) -> None:
        payload = json.dumps({"channel": channel, "to": to, "title": title, "body": body, "url": url},
                             ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=payload, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                if response.status >= 300:
                    raise DeliveryError(f"webhook answered {response.status}")
        except OSError as e:  # URLError, HTTPError, timeouts
            raise DeliveryError(f"webhook: {e}") from e


def _setting(name: str, default: str = "") -> str:
    return getattr(settings, name, None) or os.environ.get(name, default)


def message_provider() -> MessageProvider:
    kind = _setting("HUIKE_MESSAGE_PROVIDER", "log")
    if kind == "webhook":
        return WebhookProvider(_setting("HUIKE_MESSAGE_WEBHOOK_URL"))
    return LoggingProvider()


def send_email(*, to: str, title: str, body: str, url: str) -> None:
    text = body + (f"\n\n{url}" if url else "")
    try:
        send_mail(title, text, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    except OSError as e:  # SMTP errors are OSErrors too
        raise DeliveryError(f"email: {e}") from e
