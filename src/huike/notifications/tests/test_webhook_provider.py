"""SMS / IM through the generic webhook provider, against a real HTTP server in the test process."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from huike.notifications.models import ChannelPreference, Delivery, DeliveryStatus
from huike.notifications.services import notify


@pytest.fixture
def webhook(settings):
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"type": self.headers["Content-Type"], "json": json.loads(body)})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.HUIKE_MESSAGE_PROVIDER = "webhook"
    settings.HUIKE_MESSAGE_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()


def test_an_im_notification_is_posted_to_the_webhook(org, webhook, django_capture_on_commit_callbacks):
    # given
    ChannelPreference.objects.create(user=org.ra1, im=True, im_handle="wx-ra1")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=org.ra1, title="投诉超过响应时限", body="请尽快处理", url="/complaints/1/", key="w:1")

    # then
    assert webhook == [{"type": "application/json; charset=utf-8", "json": {
        "channel": "im", "to": "wx-ra1", "title": "投诉超过响应时限", "body": "请尽快处理", "url": "/complaints/1/"}}]
    assert list(Delivery.objects.values_list("status", flat=True)) == [DeliveryStatus.SENT]
