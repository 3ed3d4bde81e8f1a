"""Writes on customers: create, update, assign, delete. Atomic and audited."""
from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.accounts.models import User
from huike.audit.services import audit_record, diff, snapshot
from huike.automation.events import emit as emit_event
from huike.core.errors import DuplicateCustomer, FieldErrors, StaleVersion
from huike.core.models import Sequence

from .cadence import refresh_cadence
from .domain.names import customer_code, name_similarity, normalize_company_name, search_text
from .domain.phones import display_phone
from .models import Customer, StageChange, Tag
from .validation import clean_customer

EDITABLE_FIELDS = [
    "name", "kind", "industry", "company_size", "customer_type", "contact_name", "contact_title", "phone",
    "email", "credit_code", "province", "city", "district", "address", "source", "first_contact_at", "demand",
    "budget", "purchase_cycle", "intent", "expected_close_date", "stage", "lost_reason", "remarks",
    "core_business", "proactive_collaboration", "new_demand",
]
AUDITED_FIELDS = ["code", *EDITABLE_FIELDS, "owner"]
REGISTRATION_WINDOW_HOURS = 24


def find_duplicates(*, phone: str = "", email: str = "", credit_code: str = "", exclude_id: int | None = None):
    """Live customers sharing a normalized phone, email or credit code, with the fields that matched."""
    q = Q()
    if phone:
        q |= Q(phone=phone)
    if email:
        q |= Q(email=email)
    if credit_code:
        q |= Q(credit_code=credit_code)
    if not q:
        return []
    qs = Customer.objects.filter(q, deleted_at__isnull=True).select_related("owner")
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    found = []
    for c in qs[:10]:
        fields = [f for f, v in (("phone", phone), ("email", email), ("credit_code", credit_code)) if v and getattr(c, f) == v]
        found.append((c, fields))
    return found


def _raise_duplicate(found) -> None:
    first, fields = found[0]
    labels = {"phone": _("phone"), "email": _("email"), "credit_code": _("unified social credit code")}
    raise DuplicateCustomer(
        _("A customer with the same %(fields)s already exists: %(code)s %(name)s (owner: %(owner)s).") % {
            "fields": " / ".join(str(labels[f]) for f in fields),
            "code": first.code, "name": first.name, "owner": first.owner,
        },
        duplicates=[c.pk for c, _f in found],
        fields=sorted({f for _c, fs in found for f in fs}),
    )


def similar_customers(name: str, *, exclude_id: int | None = None, limit: int = 5) -> list[tuple[Customer, float]]:
    """Customers whose normalized company name is close to `name` (a warning, not a refusal)."""
    key = normalize_company_name(name)
    if len(key) < 2:
        return []
    qs = Customer.objects.filter(deleted_at__isnull=True).filter(
        Q(name_key=key) | Q(name_key__startswith=key[:4]) | Q(name_key__contains=key)
    ).select_related("owner")
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    scored = [(c, name_similarity(key, c.name_key)) for c in qs[:50]]
    scored = [(c, s) for c, s in scored if s >= 0.75]
    return sorted(scored, key=lambda cs: -cs[1])[:limit]


def derive_search_fields(customer: Customer) -> None:
    customer.search_text, customer.name_key = search_fields(
        customer.code, customer.name, customer.contact_name, customer.phone, customer.email)


def search_fields(code: str, name: str, contact_name: str, phone: str, email: str) -> tuple[str, str]:
    """(search_text, name_key) of a customer with these values."""
    rest, name_key = search_fields_but_code(name, contact_name, phone, email)
    return with_code(code, rest), name_key


def search_fields_but_code(name: str, contact_name: str, phone: str, email: str) -> tuple[str, str]:
    """search_fields before the code is known (an import numbers its customers when it writes them)."""
    national = display_phone(phone).replace(" ", "").replace("-", "")
    return search_text(name, contact_name, phone, national, email), normalize_company_name(name)


def with_code(code: str, rest: str) -> str:
    """search_text(code, *parts) from search_text(*parts): the haystack joins its non-empty parts."""
    return " ".join(p for p in (search_text(code), rest) if p)


def _set_tags(customer: Customer, names: list[str]) -> None:
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in names if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    customer.tags.set([existing[n] for n in names])


def _tag_names(customer: Customer) -> list[str]:
    return sorted(customer.tags.values_list("name", flat=True))


@transaction.atomic
def customer_create(*, actor: User, data: dict[str, Any], owner: User | None = None) -> Customer:
    owner = owner or actor
    if owner.pk != actor.pk:
        policies.require_assign(actor, owner)
    cleaned = clean_customer(data)
    found = find_duplicates(
        phone=cleaned.get("phone", ""), email=cleaned.get("email", ""), credit_code=cleaned.get("credit_code", "")
    )
    if found:
        _raise_duplicate(found)
    tags = cleaned.pop("tags", [])
    unknown = set(cleaned) - set(EDITABLE_FIELDS)
    if unknown:
        raise FieldErrors({f: [_("Unknown field.")] for f in sorted(unknown)})
    now = timezone.now()
    customer = Customer(**cleaned, owner=owner, created_by=actor, stage_changed_at=now)
    customer.code = customer_code(Sequence.take("customer"))
    if customer.first_contact_at:
        customer.registered_late = (now - customer.first_contact_at).total_seconds() > REGISTRATION_WINDOW_HOURS * 3600
    derive_search_fields(customer)
    refresh_cadence(customer, save=False, now=now)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # A concurrent insert won the race for the same phone/email/credit code.
        found = find_duplicates(phone=customer.phone, email=customer.email, credit_code=customer.credit_code)
        if found:
            _raise_duplicate(found)
        raise
    if tags:
        _set_tags(customer, tags)
    StageChange.objects.create(customer=customer, from_stage="", to_stage=customer.stage, at=now, by=actor)
    after = snapshot(customer, AUDITED_FIELDS)
    after["tags"] = tags
    changes = diff({}, after)
    audit_record(actor=actor, action="create", obj=customer, changes=changes, customer_id=customer.pk)
    emit_event("customer_created", customer.pk, changes)  # automation rules run after commit, in the worker
    return customer


@transaction.atomic
def customer_update(*, actor: User, customer: Customer, data: dict[str, Any],
                    expected_version: int | None = None) -> Customer:
    """Partial update. Owner changes go through customer_assign's rule.

    `expected_version` is the version the editor read (If-Match / the form's hidden field): a write over a newer
    one is refused with StaleVersion (R-12.4). Without it the write still cannot interleave with another one.
    """
    data = dict(data)
    new_owner = data.pop("owner", None)
    if new_owner is not None and new_owner.pk != customer.owner_id:
        policies.require_assign(actor, new_owner)
    unknown = set(data) - set(EDITABLE_FIELDS) - {"tags"}
    if unknown:
        raise FieldErrors({f: [_("This field cannot be changed.")] for f in sorted(unknown)})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if expected_version is not None and expected_version != customer.version:
        raise _stale(customer.version)
    cleaned = clean_customer(data, instance=customer)
    found = find_duplicates(
        phone=cleaned.get("phone", ""), email=cleaned.get("email", ""), credit_code=cleaned.get("credit_code", ""),
        exclude_id=customer.pk,
    )
    if found:
        _raise_duplicate(found)
    before = snapshot(customer, AUDITED_FIELDS)
    before_tags = _tag_names(customer)
    tags = cleaned.pop("tags", None)
    old_stage = customer.stage
    for field, value in cleaned.items():
        setattr(customer, field, value)
    if new_owner is not None:
        customer.owner = new_owner
    now = timezone.now()
    if customer.stage != old_stage:
        customer.stage_changed_at = now
        StageChange.objects.create(customer=customer, from_stage=old_stage, to_stage=customer.stage, at=now, by=actor)
    derive_search_fields(customer)
    refresh_cadence(customer, save=False, now=now)
    _claim_version(customer)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        found = find_duplicates(phone=customer.phone, email=customer.email, credit_code=customer.credit_code,
                                exclude_id=customer.pk)
        if found:
            _raise_duplicate(found)
        raise
    changes = diff(before, snapshot(customer, AUDITED_FIELDS))
    if tags is not None:
        _set_tags(customer, tags)
        if sorted(tags) != before_tags:
            changes["tags"] = [before_tags, sorted(tags)]
    if changes.keys() & {"core_business", "proactive_collaboration", "new_demand"}:
        from huike.classification.reclassify import reclassify_on_commit

        reclassify_on_commit(customer.pk)
    if changes:
        action = "assign" if set(changes) == {"owner"} else "update"
        audit_record(actor=actor, action=action, obj=customer, changes=changes, customer_id=customer.pk)
        emit_event("customer_changed", customer.pk, changes)
    return customer


def _stale(version: int) -> StaleVersion:
    return StaleVersion(_("This customer was changed by someone else after you opened it (it is now at version "
                          "%(version)d). Nothing was saved: reload it to see the current values.") % {"version": version},
                        version=version)


def _claim_version(customer: Customer) -> None:
    """Compare-and-set in one statement: SQLite has no row lock, so two writers that read the same version
    cannot both pass (the second UPDATE matches no row)."""
    read = customer.version
    if not Customer.objects.filter(pk=customer.pk, version=read).update(version=F("version") + 1):
        raise _stale(Customer.objects.values_list("version", flat=True).get(pk=customer.pk))
    customer.version = read + 1


def customer_assign(*, actor: User, customer: Customer, owner: User) -> Customer:
    return customer_update(actor=actor, customer=customer, data={"owner": owner})


@transaction.atomic
def customer_delete(*, actor: User, customer: Customer) -> None:
    """Soft delete: the record leaves every list; admins can restore it (R-12.2)."""
    policies.require_delete(actor)
    customer.deleted_at = timezone.now()
    customer.save(update_fields=["deleted_at"])
    audit_record(actor=actor, action="delete", obj=customer, changes={"deleted_at": [None, customer.deleted_at.isoformat()]},
                 customer_id=customer.pk)
