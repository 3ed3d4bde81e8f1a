"""Request ids, response headers, and deactivated users (R-12.1, R-12.5, issue 7 points 4, 8, 9)."""
from __future__ import annotations

import re
import uuid

from django.contrib.auth import SESSION_KEY

from huike.audit import context

# A caller's own id is kept only when it is short and plain, so it cannot smuggle text into logs.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
NO_STORE = "no-store"


def _client_ip(request) -> str:
    # REMOTE_ADDR only: a proxy's X-Forwarded-For is trusted nowhere in the app.
    return (request.META.get("REMOTE_ADDR") or "")[:45]


class RequestIdMiddleware:
    """Every request gets an id: in the audit entries it causes, the logs, and the X-Request-ID header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        with context.bound(rid=rid, ip=_client_ip(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


class NoStoreMiddleware:
    """API answers and downloaded files (exports) are never kept by a browser or a proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        if request.path.startswith("/api/") or disposition.startswith("attachment"):
            response["Cache-Control"] = NO_STORE
            response["Pragma"] = "no-cache"
        return response


class ActiveUserMiddleware:
    """A session whose user was deactivated (or whose password changed) is ended on its next request.

    Django's backend already refuses an inactive user, so request.user is anonymous; this removes the
    dead session itself instead of leaving it in the table. Runs after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session and not request.user.is_authenticated:
            session.flush()
        return self.get_response(request)
