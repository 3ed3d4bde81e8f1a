"""Audit rows are written by services, explicitly, inside the same transaction as the change."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable

from django.db import models

from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        out[name] = _plain(getattr(obj, field.attname))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def audit_record(
    *, actor, action: str, obj: models.Model, changes: dict[str, list[Any]] | None = None,
    customer_id: int | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        customer_id=customer_id,
        changes=changes or {},
    )
