"""Ending a user's sessions and API token: on logout, a password change and deactivation (R-12.5)."""
from __future__ import annotations

from importlib import import_module

from django.conf import settings

from .models import UserSession


def remember_session(*, user, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def end_sessions(*, user, keep: str | None = None, revoke_token: bool = True) -> int:
    """Delete every session of the user but `keep`, and their API token; the number of sessions ended."""
    from rest_framework.authtoken.models import Token

    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = UserSession.objects.filter(user_id=user.pk)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    rows.delete()
    if revoke_token:
        Token.objects.filter(user_id=user.pk).delete()
    return len(keys)
