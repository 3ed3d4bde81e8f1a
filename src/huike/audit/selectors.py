"""Reads on the audit trail: the chain check and the admin's filtered list."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from . import chain
from .models import AuditChainHead, AuditEntry


def chain_verify() -> chain.Break | None:
    head = AuditChainHead.objects.filter(pk=1).first()
    head_id, head_hash = (head.last_id, head.last_hash) if head else (0, chain.GENESIS)
    entries = AuditEntry.objects.order_by("id").iterator(chunk_size=5000)
    return chain.verify(entries, head_id=head_id, head_hash=head_hash)


def audit_list(*, actor: int | None = None, action: str = "", object_type: str = "", object_id: int | None = None,
               date_from: dt.datetime | None = None, date_to: dt.datetime | None = None,
               request_id: str = "") -> QuerySet[AuditEntry]:
    """Admins only: the caller checks policies.require_admin before asking."""
    qs = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    if actor:
        qs = qs.filter(actor_id=actor)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id is not None:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(at__gte=date_from)
    if date_to:
        qs = qs.filter(at__lt=date_to)
    if request_id:
        qs = qs.filter(request_id=request_id)
    return qs
