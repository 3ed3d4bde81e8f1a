"""Merging two customer records (R-2.3) and undoing a merge within 30 days.

Everything that hangs on the merged-away record by a foreign key (follow-ups, orders, contracts,
complaints, reminders, stage and classification history, and whatever later apps add) plus its audit
history moves to the kept record; empty fields of the kept record are filled from it; it is then
soft-deleted. The MergeRecord lists the moved ids and the kept record's changed fields for the undo.
"""
from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.accounts.models import User
from huike.audit.models import AuditEntry
from huike.audit.services import audit_record, snapshot
from huike.core.errors import FieldErrors, NotFound
from huike.customers.cadence import refresh_cadence
from huike.customers.models import Customer
from huike.customers.services import EDITABLE_FIELDS, derive_search_fields, find_duplicates

from .models import MergeRecord

UNDO_DAYS = 30
DERIVED = ["last_followup_at", "next_followup_at", "next_followup_reason", "search_text", "name_key"]
TRACKED = [*EDITABLE_FIELDS, *DERIVED]


def relations() -> dict[str, tuple[type, str]]:
    """"app.model" → (model, column) of every row that points at a customer and may move with it."""
    found = {AuditEntry._meta.label_lower: (AuditEntry, "customer_id")}
    for rel in Customer._meta.related_objects:
        model = rel.related_model
        if rel.one_to_many and model._meta.app_label != "dataio":
            found[model._meta.label_lower] = (model, rel.field.attname)
    return found


def _empty(value) -> bool:
    return value in ("", None, False)


def _move(source: int, target: int) -> dict[str, list[int]]:
    moved = {}
    for label, (model, column) in relations().items():
        ids = list(model._base_manager.filter(**{column: source}).values_list("pk", flat=True))
        if ids:
            model._base_manager.filter(pk__in=ids).update(**{column: target})
            moved[label] = ids
    return moved


def _refresh_derived(customer: Customer) -> None:
    derive_search_fields(customer)
    customer.last_followup_at = customer.followups.order_by("-occurred_at", "-id").values_list(
        "occurred_at", flat=True).first()
    refresh_cadence(customer, save=False)


def _locked(pk: int) -> Customer:
    return Customer.objects.select_for_update().get(pk=pk)


@transaction.atomic
def customer_merge(*, actor: User, keep: Customer, other: Customer) -> MergeRecord:
    """Join `other` into `keep`. Callers fetch both through the actor's scope (404 outside it)."""
    policies.require_merge(actor)
    if keep.pk == other.pk:
        raise FieldErrors.single("other", _("A customer cannot be merged with itself."))
    keep, other = _locked(keep.pk), _locked(other.pk)
    if keep.deleted_at or other.deleted_at:
        raise NotFound()
    before = snapshot(keep, TRACKED)
    moved = _move(other.pk, keep.pk)
    tags_added = sorted(set(other.tags.values_list("pk", flat=True)) - set(keep.tags.values_list("pk", flat=True)))
    keep.tags.add(*tags_added)
    # The merged-away record leaves first, so its phone, email and credit code are free for the kept one.
    other.deleted_at = timezone.now()
    other.save(update_fields=["deleted_at"])
    filled = [f for f in EDITABLE_FIELDS if _empty(getattr(keep, f)) and not _empty(getattr(other, f))]
    for field in filled:
        setattr(keep, field, getattr(other, field))
    _refresh_derived(keep)
    keep.save(update_fields=[*filled, *DERIVED, "updated_at"])
    after = snapshot(keep, TRACKED)
    changed = [f for f in TRACKED if before[f] != after[f]]
    record = MergeRecord.objects.create(
        actor=actor, keep=keep, other=other, moved=moved, tags_added=tags_added,
        keep_before={f: before[f] for f in changed}, keep_after={f: after[f] for f in changed})
    audit_record(actor=actor, action="merge", obj=keep, customer_id=keep.pk, changes={
        "merged_from": [other.code, keep.code],
        **{f: [before[f], after[f]] for f in filled},
        "moved": [None, {label: len(ids) for label, ids in moved.items()}],
    })
    _reclassify(keep.pk)
    return record


def undo_deadline(record: MergeRecord) -> dt.datetime:
    return record.created_at + dt.timedelta(days=UNDO_DAYS)


def can_undo(record: MergeRecord, now: dt.datetime | None = None) -> bool:
    return record.undone_at is None and (now or timezone.now()) < undo_deadline(record)


@transaction.atomic
def merge_undo(*, actor: User, record: MergeRecord) -> MergeRecord:
    """Put both records back as they were; later edits of the kept record's fields are left alone."""
    policies.require_merge(actor)
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    if record.undone_at:
        raise FieldErrors.single("merge", _("This merge has already been undone."))
    if not can_undo(record):
        raise FieldErrors.single("merge", _("A merge can only be undone within %(days)s days.") % {"days": UNDO_DAYS})
    keep, other = _locked(record.keep_id), _locked(record.other_id)
    known = relations()
    for label, ids in record.moved.items():
        model, column = known.get(label) or (apps.get_model(label), "customer_id")
        model._base_manager.filter(pk__in=ids, **{column: keep.pk}).update(**{column: other.pk})
    keep.tags.remove(*record.tags_added)
    now_values = snapshot(keep, list(record.keep_before))
    restored = [f for f in record.keep_before if now_values[f] == record.keep_after[f]]
    for field in restored:
        setattr(keep, field, Customer._meta.get_field(field).to_python(record.keep_before[field]))
    keep.save(update_fields=[*restored, "updated_at"])
    clash = find_duplicates(phone=other.phone, email=other.email, credit_code=other.credit_code, exclude_id=other.pk)
    if clash:
        c = clash[0][0]
        raise FieldErrors.single("merge", _("Cannot undo: %(code)s %(name)s now has the same phone, email or "
                                            "credit code.") % {"code": c.code, "name": c.name})
    other.deleted_at = None
    other.save(update_fields=["deleted_at"])
    record.undone_at, record.undone_by = timezone.now(), actor
    record.save(update_fields=["undone_at", "undone_by"])
    audit_record(actor=actor, action="merge_undo", obj=keep, customer_id=keep.pk,
                 changes={"merged_from": [keep.code, other.code]})
    _reclassify(keep.pk)
    _reclassify(other.pk)
    return record


def _reclassify(customer_id: int) -> None:
    from huike.classification.reclassify import reclassify_on_commit

    reclassify_on_commit(customer_id)


def merge_get(*, user: User, pk) -> MergeRecord:
    """A merge whose kept record the user can see; any other is NotFound (404)."""
    return policies.get_visible(user, MergeRecord.objects.select_related("keep", "other", "actor"), pk, "keep__")


def recent_merges(*, user: User, limit: int = 20):
    qs = MergeRecord.objects.select_related("keep", "other", "actor", "undone_by")
    return policies.scoped(user, qs, "keep__").order_by("-id")[:limit]
