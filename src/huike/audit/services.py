"""Audit rows are written by services, explicitly, inside the same transaction as the change.

Every row joins the hash chain (audit/chain.py) under a lock on the chain head, and carries the id and
client address of the request that caused it (audit/context.py).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable

from django.db import models, transaction
from django.utils import timezone

from . import chain, context
from .models import AuditChainHead, AuditEntry


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


def _json_safe(value: Any) -> Any:
    """What the JSON column gives back, so the hash computed now equals the one computed at verify time."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(_plain(value))


def _head_for_update() -> AuditChainHead:
    try:
        return AuditChainHead.objects.select_for_update().get(pk=1)
    except AuditChainHead.DoesNotExist:  # a flushed test database (the migration creates the row)
        AuditChainHead.objects.get_or_create(pk=1)
        return AuditChainHead.objects.select_for_update().get(pk=1)


def audit_event(
    *, actor, action: str, object_type: str, object_id: int | None = None, object_repr: str = "",
    customer_id: int | None = None, changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain (its own transaction, or the caller's: no savepoint is needed,
    a failure here fails the caller's write too)."""
    with transaction.atomic(savepoint=False):
        head = _head_for_update()
        entry = AuditEntry(
            at=timezone.now(),
            actor_id=actor.pk if getattr(actor, "pk", None) else None,
            action=action,
            object_type=object_type[:50],
            object_id=object_id,
            object_repr=(object_repr or "")[:200],
            customer_id=customer_id,
            changes=_json_safe(changes or {}),
            request_id=context.request_id.get(),
            ip=context.client_ip.get(),
            prev_hash=head.last_hash,
        )
        entry.hash = chain.link_hash(entry.prev_hash, entry)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_id=entry.pk, last_hash=entry.hash, count=head.count + 1)
    return entry


def audit_record(
    *, actor, action: str, obj: models.Model, changes: dict[str, list[Any]] | None = None,
    customer_id: int | None = None,
) -> AuditEntry:
    return audit_event(
        actor=actor, action=action, object_type=obj._meta.label_lower, object_id=obj.pk,
        object_repr=str(obj), customer_id=customer_id, changes=changes,
    )
