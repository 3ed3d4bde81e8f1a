"""Optimistic concurrency on the API (R-12.4): ETag carries a record's version, If-Match names the one read.

`If-Match: "3"` (or W/"3", or a bare 3) on PUT/PATCH makes the service refuse the write with 409 when the
record is no longer at version 3. `*` or no header means "whatever is current" (clients that predate
versions keep working; the service still never lets two writes interleave).
"""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from django.utils.translation import gettext as _

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description='The ETag (version) you read, e.g. "3": the write is refused with 409 if the record changed since.',
)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    duplicates = serializers.ListField(child=serializers.IntegerField(), required=False,
                                       help_text="A duplicate customer: the ids of the customers it matches.")
    fields = serializers.ListField(child=serializers.CharField(), required=False)
    version = serializers.IntegerField(required=False, help_text="A stale write: the record's current version.")
    current = serializers.DictField(required=False, help_text="A stale write: the record as it is now.")


CONFLICT_ON_WRITE = OpenApiResponse(
    ConflictSerializer, description="A duplicate phone, email or credit code; or the record changed since you read it "
                                    "(If-Match): `version` and `current` hold what it is now.")


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(request) -> int | None:
    """The version named by If-Match, or None when the client did not name one."""
    raw = (request.headers.get("If-Match") or "").strip()
    if raw in ("", "*"):
        return None
    value = raw.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ValidationError({"If-Match": [_('Send the ETag you read, e.g. "3".')]})
    return int(value)
