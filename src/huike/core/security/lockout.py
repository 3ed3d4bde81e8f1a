"""The answer to a locked-out login (django-axes): JSON for the API, the login page for people."""
from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

MINUTES = 15


def lockout_response(request, credentials=None, *args, **kwargs):
    message = _("Too many failed logins. Try again in %(minutes)d minutes.") % {"minutes": MINUTES}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "security/locked_out.html", {"message": message}, status=429)
