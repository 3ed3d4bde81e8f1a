"""Writes on follow-ups: add (with attachments), edit, review, delete. Atomic and audited."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.accounts.models import User
from huike.audit.services import audit_record, diff, snapshot
from huike.automation.events import emit as emit_event
from huike.core.errors import FieldErrors, Forbidden
from huike.customers.cadence import refresh_cadence
from huike.customers.models import Customer
from huike.recycle.services import bin_record

from .domain.attachments import CONTENT_TYPES, check_attachment, safe_filename
from .models import Attachment, FollowUp, Method, ReviewStatus

EDITABLE = ["method", "occurred_at", "content", "feedback", "next_action", "next_followup_at", "result"]
AUDITED = [*EDITABLE, "review_status", "review_comment"]
MAX_ATTACHMENTS = 10
_LIMITS = {"content": 5000, "feedback": 2000, "next_action": 500, "result": 500}


def _clean(data: dict[str, Any], instance: FollowUp | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out = dict(data)
    unknown = set(out) - set(EDITABLE)
    for f in sorted(unknown):
        errors[f] = [_("Unknown field.")]
    if instance is None or "method" in out:
        if out.get("method") not in Method.values:
            errors["method"] = [_("Choose how you followed up: phone, visit, email, online meeting, WeChat or other.")]
    for field, limit in _LIMITS.items():
        if field in out:
            out[field] = (out[field] or "").strip()
            if len(out[field]) > limit:
                errors[field] = [_("At most %(limit)d characters (you entered %(count)d).") % {
                    "limit": limit, "count": len(out[field])}]
    if (instance is None or "content" in out) and not out.get("content") and "content" not in errors:
        errors["content"] = [_("Please write what was discussed (核心沟通内容).")]
    now = timezone.now()
    if instance is None and not out.get("occurred_at"):
        out["occurred_at"] = now
    occurred = out.get("occurred_at") or (instance.occurred_at if instance else now)
    if "occurred_at" in out and occurred > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = [_("A follow-up records what happened: its time cannot be in the future.")]
    nxt = out.get("next_followup_at")
    if nxt and nxt <= occurred:
        errors["next_followup_at"] = [_("The next follow-up time must be after this follow-up's time.")]
    if errors:
        raise FieldErrors(errors)
    return out


def _check_files(files: list) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise FieldErrors.single("attachments", _("At most %(n)d files per follow-up.") % {"n": MAX_ATTACHMENTS})
    limit = settings.HUIKE_ATTACHMENT_MAX_BYTES
    messages = {
        "empty": _("“%(name)s” is empty."),
        "too_large": _("“%(name)s” is larger than %(mb)d MB."),
        "type": _("“%(name)s”: only PDF, images (PNG, JPG, GIF, WebP) and Office files (Word, Excel, PowerPoint) are accepted."),
        "mismatch": _("“%(name)s” is not the kind of file its name says."),
    }
    errors = []
    for f in files:
        f.seek(0)
        head = f.read(16)
        f.seek(0)
        problem = check_attachment(f.name, head, f.size, limit)
        if problem:
            errors.append(messages[problem] % {"name": safe_filename(f.name), "mb": limit // (1024 * 1024)})
    if errors:
        raise FieldErrors({"attachments": errors})


def _after_contact(customer: Customer) -> None:
    """The latest follow-up drives the cadence: last contact time and the planned next time."""
    latest = customer.followups.order_by("-occurred_at", "-id").values_list("occurred_at", flat=True).first()
    customer.last_followup_at = latest
    refresh_cadence(customer, save=False)
    customer.save(update_fields=["last_followup_at", "next_followup_at", "next_followup_reason"])


@transaction.atomic
def followup_create(*, actor: User, customer: Customer, data: dict[str, Any], files: list | None = None) -> FollowUp:
    cleaned = _clean(data)
    files = files or []
    _check_files(files)
    followup = FollowUp.objects.create(customer=customer, author=actor, **cleaned)
    for f in files:
        ext = f.name.rsplit(".", 1)[-1].lower()
        Attachment.objects.create(
            followup=followup, file=_renamed(f), original_name=safe_filename(f.name),
            content_type=CONTENT_TYPES[ext], size=f.size, uploaded_by=actor,
        )
    _after_contact(Customer.objects.select_for_update().get(pk=customer.pk))
    after = snapshot(followup, AUDITED)
    if files:
        after["attachments"] = [safe_filename(f.name) for f in files]
    audit_record(actor=actor, action="create", obj=followup, changes=diff({}, after), customer_id=customer.pk)
    emit_event("followup_added", customer.pk, {"followup": [None, followup.pk]})
    return followup


def _renamed(f):
    f.name = safe_filename(f.name)
    return f


@transaction.atomic
def followup_update(*, actor: User, followup: FollowUp, data: dict[str, Any]) -> FollowUp:
    if not policies.can_edit_followup(actor, followup):
        raise Forbidden(_("An approved follow-up can only be changed by a manager."))
    cleaned = _clean(data, instance=followup)
    before = snapshot(followup, AUDITED)
    for k, v in cleaned.items():
        setattr(followup, k, v)
    if followup.review_status == ReviewStatus.RETURNED and followup.author_id == actor.pk:
        followup.review_status = ReviewStatus.PENDING  # corrected: back to the manager
    followup.save()
    _after_contact(Customer.objects.select_for_update().get(pk=followup.customer_id))
    changes = diff(before, snapshot(followup, AUDITED))
    if changes:
        audit_record(actor=actor, action="update", obj=followup, changes=changes, customer_id=followup.customer_id)
    return followup


@transaction.atomic
def followup_review(*, actor: User, followup: FollowUp, decision: str, comment: str = "") -> FollowUp:
    """Approve, or return with a comment (审核). Managers and admins only."""
    policies.require_review(actor)
    comment = (comment or "").strip()
    if decision not in ("approve", "return"):
        raise FieldErrors.single("decision", _("Choose approve or return."))
    if decision == "return" and not comment:
        raise FieldErrors.single("review_comment", _("Say what needs to change when you return a follow-up."))
    if len(comment) > 500:
        raise FieldErrors.single("review_comment", _("At most %(limit)d characters (you entered %(count)d).") % {
            "limit": 500, "count": len(comment)})
    before = snapshot(followup, AUDITED)
    followup.review_status = ReviewStatus.APPROVED if decision == "approve" else ReviewStatus.RETURNED
    followup.review_comment = comment
    followup.reviewed_by = actor
    followup.reviewed_at = timezone.now()
    followup.save(update_fields=["review_status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(actor=actor, action="review", obj=followup, changes=diff(before, snapshot(followup, AUDITED)),
                 customer_id=followup.customer_id)
    return followup


@transaction.atomic
def followup_delete(*, actor: User, followup: FollowUp) -> None:
    policies.require_delete(actor)
    customer_id = followup.customer_id
    before = snapshot(followup, AUDITED)
    audit_record(actor=actor, action="delete", obj=followup, changes=diff(before, {}), customer_id=customer_id)
    # soft first: the rows wait in the recycle bin, the files on disk until an admin purges them
    attachments = list(followup.attachments.all())
    bin_record(actor=actor, obj=followup, children=attachments, files=[a.file.name for a in attachments])
    followup.delete()
    _after_contact(Customer.objects.select_for_update().get(pk=customer_id))


@transaction.atomic
def customer_contact_refresh(customer_id: int) -> None:
    """The customer's cadence after its follow-ups changed outside this module (a restore from the recycle bin)."""
    _after_contact(Customer.objects.select_for_update().get(pk=customer_id))
