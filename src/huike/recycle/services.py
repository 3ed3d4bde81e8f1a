"""Recycle bin writes (R-12.2): deletes park records here; admins restore or purge them. Atomic and audited."""
from __future__ import annotations

import json

from django.core import serializers
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.accounts.models import User
from huike.audit.services import audit_record
from huike.core.errors import FieldErrors, NotFound
from huike.customers.models import Customer

from .models import BinnedRecord


def bin_record(*, actor: User, obj: models.Model, children: list[models.Model] = (), files: list[str] = ()) -> BinnedRecord:
    """Keep `obj` and its children as rows before the caller deletes them; their files stay until purge."""
    rows = json.loads(serializers.serialize("json", [obj, *children]))
    return BinnedRecord.objects.create(
        object_type=obj._meta.label_lower, object_id=obj.pk, customer_id=getattr(obj, "customer_id", None),
        object_repr=str(obj)[:200], rows=rows, files=list(files), deleted_by=actor if actor and actor.pk else None,
    )


def _binned(pk) -> BinnedRecord:
    try:
        return BinnedRecord.objects.select_for_update().get(pk=pk)
    except (BinnedRecord.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _deleted_customer(pk) -> Customer:
    try:
        return Customer.objects.select_for_update().get(pk=pk, deleted_at__isnull=False)
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _after_restore(object_type: str, customer_id: int | None) -> None:
    """What a record drives on its customer follows it back: the cadence (follow-ups) and the classification."""
    if customer_id is None:
        return
    if object_type == "followups.followup":
        from huike.followups.services import customer_contact_refresh

        customer_contact_refresh(customer_id)
    from huike.classification.reclassify import reclassify_on_commit

    reclassify_on_commit(customer_id)


@transaction.atomic
def record_restore(*, actor: User, pk) -> models.Model:
    """Put a binned record and its children back under their old ids."""
    policies.require_admin(actor)
    binned = _binned(pk)
    if binned.customer_id and not Customer.objects.filter(pk=binned.customer_id).exists():
        raise FieldErrors.single("customer", _("The customer of this record no longer exists."))
    restored = []
    for item in serializers.deserialize("json", json.dumps(binned.rows)):
        item.save()
        restored.append(item.object)
    _after_restore(binned.object_type, binned.customer_id)
    audit_record(actor=actor, action="restore", obj=restored[0], customer_id=binned.customer_id,
                 changes={"deleted_at": [binned.deleted_at.isoformat(), None]})
    binned.delete()
    return restored[0]


@transaction.atomic
def customer_restore(*, actor: User, pk) -> Customer:
    """A soft-deleted customer comes back with everything that hung on it (it never left its tables)."""
    policies.require_admin(actor)
    customer = _deleted_customer(pk)
    before = customer.deleted_at
    customer.deleted_at = None
    try:
        with transaction.atomic():
            customer.save(update_fields=["deleted_at"])
    except IntegrityError:
        # a live customer took the same phone, email or credit code meanwhile (the unique constraints hold)
        raise FieldErrors.single("customer", _(
            "Another customer now has the same phone, email or unified social credit code; merge or edit it first."
        )) from None
    audit_record(actor=actor, action="restore", obj=customer, customer_id=customer.pk,
                 changes={"deleted_at": [before.isoformat(), None]})
    return customer


def _delete_files(names) -> None:
    # after commit: a rolled-back purge must not have lost the files
    names = [n for n in names if n]
    transaction.on_commit(lambda: [default_storage.delete(n) for n in names])


@transaction.atomic
def record_purge(*, actor: User, pk) -> None:
    policies.require_admin(actor)
    binned = _binned(pk)
    record = next(serializers.deserialize("json", json.dumps(binned.rows[:1]))).object  # unsaved: for the audit
    audit_record(actor=actor, action="purge", obj=record, customer_id=binned.customer_id,
                 changes={"object": [binned.object_repr, None]})
    _delete_files(binned.files)
    binned.delete()


@transaction.atomic
def customer_purge(*, actor: User, pk) -> None:
    """Hard delete a soft-deleted customer, what hangs on it and its binned records (admin only)."""
    from huike.followups.models import Attachment

    from huike.classification import locks

    policies.require_admin(actor)
    customer = _deleted_customer(pk)
    # a classification run in progress may have read the customer before it was binned: its results, history and
    # strategy tasks (no database keys, ADR 0024 and 0026) are written before this purge cascades
    locks.hold_customer(customer.pk)
    binned = list(BinnedRecord.objects.filter(customer_id=customer.pk))
    files = [a.file.name for a in Attachment.objects.filter(followup__customer=customer)]
    files += [name for b in binned for name in b.files]
    audit_record(actor=actor, action="purge", obj=customer, customer_id=customer.pk,
                 changes={"object": [str(customer), None]})
    BinnedRecord.objects.filter(pk__in=[b.pk for b in binned]).delete()
    customer.delete()
    _delete_files(files)
