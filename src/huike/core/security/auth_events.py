"""Logins, failed logins and logouts become audit entries; sessions are tracked so logout ends them all.

Django's auth signals are the one hook every login path shares (the page, the token endpoint,
django-axes); the receivers only record, they decide nothing.
"""
from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from huike.audit.services import audit_event

from .sessions import end_sessions, remember_session


def _session_key(request) -> str | None:
    session = getattr(request, "session", None)
    return getattr(session, "session_key", None)


@receiver(user_logged_in, dispatch_uid="huike-security-login")
def on_login(sender, request, user, **kwargs):
    remember_session(user=user, session_key=_session_key(request))
    via = "token" if getattr(request, "path", "").startswith("/api/") else "page"
    audit_event(actor=user, action="login", object_type="accounts.user", object_id=user.pk,
                object_repr=str(user), changes={"via": [None, via]})


@receiver(user_logged_out, dispatch_uid="huike-security-logout")
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    audit_event(actor=user, action="logout", object_type="accounts.user", object_id=user.pk, object_repr=str(user))
    # Logging out on one device logs out everywhere, API token included.
    end_sessions(user=user)


@receiver(user_login_failed, dispatch_uid="huike-security-login-failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Only the name tried: Django already masks the password in `credentials`, and none is stored.
    username = str((credentials or {}).get("username", ""))[:150]
    audit_event(actor=None, action="login_failed", object_type="accounts.user", object_repr=username,
                changes={"username": [None, username]})
