"""The one API error shape: 400 {field: [msg]}, 409 duplicates, 403 / 404 {detail}."""
from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import DuplicateCustomer, FieldErrors, Forbidden, NotFound, StaleVersion

log = logging.getLogger("huike.api")


def api_exception_handler(exc, context):
    if isinstance(exc, FieldErrors):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DuplicateCustomer):
        return Response(
            {"detail": exc.message, "duplicates": exc.duplicates, "fields": exc.fields},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, StaleVersion):
        body = {"detail": exc.message, "version": exc.version}
        if getattr(exc, "current", None) is not None:  # the API view attaches the record as it is now
            body["current"] = exc.current
        response = Response(body, status=status.HTTP_409_CONFLICT)
        response["ETag"] = f'"{exc.version}"'
        return response
    if isinstance(exc, Forbidden):
        return Response(
            {"detail": exc.message or _("You do not have permission to perform this action.")},
            status=status.HTTP_403_FORBIDDEN,
        )
    if isinstance(exc, (NotFound, Http404)):
        return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        exc = APIException(_("You do not have permission to perform this action."))
        exc.status_code = 403
    response = exception_handler(exc, context)
    if response is not None and response.status_code in (401, 403, 404):
        request = context.get("request")
        log.info("refused %s %s: %s", getattr(request, "method", "?"), getattr(request, "path", "?"), response.status_code)
    return response
