"""Writes on complaints (R-8.1): registration with deadlines by urgency, progress, closing with an outcome."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.accounts.models import User
from huike.audit.services import audit_record, diff, snapshot
from huike.core.errors import FieldErrors
from huike.core.validation import unknown_fields
from huike.classification.reclassify import reclassify_on_commit
from huike.customers.models import Customer
from huike.recycle.services import bin_record

from .domain.deadlines import DEFAULT_DEADLINES, complaint_deadlines
from .models import Channel, Complaint, ComplaintDeadline, ComplaintStatus, SatisfactionSurvey, Urgency

EDITABLE = ["urgency", "channel", "description", "received_at", "status", "cause", "resolution", "negative"]
AUDITED = [*EDITABLE, "response_due_at", "resolve_due_at", "responded_at", "closed_at"]


def deadline_table() -> dict[str, tuple[int, int]]:
    """The admins' deadlines per urgency; an urgency without a row keeps the R-8.1 default."""
    return {**DEFAULT_DEADLINES,
            **{r.urgency: (r.response_hours, r.resolve_hours) for r in ComplaintDeadline.objects.all()}}


def _clean(data: dict[str, Any], instance: Complaint | None) -> dict[str, Any]:
    errors = unknown_fields(data, EDITABLE)
    out = dict(data)
    merged = {f: getattr(instance, f) for f in EDITABLE} if instance else {}
    merged.update(out)
    if merged.get("urgency", Urgency.GENERAL) not in Urgency.values:
        errors["urgency"] = [_("Choose general, urgent or critical.")]
    if merged.get("channel", Channel.PHONE) not in Channel.values:
        errors["channel"] = [_("Choose phone, email, CRM form or third-party platform.")]
    if merged.get("status", ComplaintStatus.OPEN) not in ComplaintStatus.values:
        errors["status"] = [_("Choose open, responded, resolved or closed.")]
    for field, limit in (("description", 5000), ("resolution", 5000), ("cause", 100)):
        if field in out:
            out[field] = (out[field] or "").strip()
            if len(out[field]) > limit:
                errors[field] = [_("At most %(limit)d characters (you entered %(count)d).") % {
                    "limit": limit, "count": len(out[field])}]
    if (instance is None or "description" in out) and not (out.get("description") or "").strip():
        errors.setdefault("description", [_("Describe the complaint.")])
    received = merged.get("received_at")
    if received and received > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = [_("The received time cannot be in the future.")]
    if merged.get("status") == ComplaintStatus.CLOSED and not (merged.get("resolution") or "").strip():
        errors["resolution"] = [_("A complaint is closed only with a recorded outcome (resolution).")]
    if errors:
        raise FieldErrors(errors)
    return out


@transaction.atomic
def complaint_create(*, actor: User, customer: Customer, data: dict[str, Any]) -> Complaint:
    cleaned = _clean(data, None)
    cleaned.setdefault("received_at", timezone.now())
    urgency = cleaned.get("urgency", Urgency.GENERAL)
    respond, resolve = complaint_deadlines(cleaned["received_at"], urgency, deadline_table())
    complaint = Complaint(customer=customer, registered_by=actor, response_due_at=respond, resolve_due_at=resolve, **cleaned)
    _stamp_status(complaint, None)
    complaint.save()
    reclassify_on_commit(customer.pk)
    audit_record(actor=actor, action="create", obj=complaint, changes=diff({}, snapshot(complaint, AUDITED)),
                 customer_id=customer.pk)
    return complaint


def _stamp_status(complaint: Complaint, old_status: str | None) -> None:
    now = timezone.now()
    if complaint.status != ComplaintStatus.OPEN and complaint.responded_at is None:
        complaint.responded_at = now
    if complaint.status == ComplaintStatus.CLOSED and old_status != ComplaintStatus.CLOSED:
        complaint.closed_at = now
    if complaint.status != ComplaintStatus.CLOSED:
        complaint.closed_at = None


@transaction.atomic
def complaint_update(*, actor: User, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    cleaned = _clean(data, complaint)
    before = snapshot(complaint, AUDITED)
    old_status = complaint.status
    for k, v in cleaned.items():
        setattr(complaint, k, v)
    if "urgency" in cleaned or "received_at" in cleaned:
        complaint.response_due_at, complaint.resolve_due_at = complaint_deadlines(
            complaint.received_at, complaint.urgency, deadline_table())
    _stamp_status(complaint, old_status)
    complaint.save()
    changes = diff(before, snapshot(complaint, AUDITED))
    if changes:
        reclassify_on_commit(complaint.customer_id)
        audit_record(actor=actor, action="update", obj=complaint, changes=changes, customer_id=complaint.customer_id)
    return complaint


@transaction.atomic
def complaint_delete(*, actor: User, complaint: Complaint) -> None:
    policies.require_delete(actor)
    audit_record(actor=actor, action="delete", obj=complaint, changes=diff(snapshot(complaint, AUDITED), {}),
                 customer_id=complaint.customer_id)
    reclassify_on_commit(complaint.customer_id)
    bin_record(actor=actor, obj=complaint)  # soft first: restorable from the recycle bin
    complaint.delete()


SURVEY_FIELDS = ["score", "nps", "comment"]


def _whole(value, low: int, high: int) -> int | None:
    """`value` as a whole number within low…high, or None (bool is not a number here)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _clean_survey(data: dict[str, Any], customer: Customer, complaint: Complaint | None) -> dict[str, Any]:
    errors = unknown_fields(data, SURVEY_FIELDS)
    out: dict[str, Any] = {"comment": (data.get("comment") or "").strip()}
    out["score"] = _whole(data.get("score"), 1, 5)
    if out["score"] is None:
        errors["score"] = [_("Give a score from 1 (very unsatisfied) to 5 (very satisfied).")]
    raw_nps = data.get("nps")
    out["nps"] = None if raw_nps in (None, "") else _whole(raw_nps, 0, 10)
    if raw_nps not in (None, "") and out["nps"] is None:
        errors["nps"] = [_("The recommendation score is a whole number from 0 to 10, or empty.")]
    if len(out["comment"]) > 2000:
        errors["comment"] = [_("At most %(limit)d characters (you entered %(count)d).") % {
            "limit": 2000, "count": len(out["comment"])}]
    if complaint is not None and complaint.customer_id != customer.pk:
        errors["complaint"] = [_("The complaint belongs to another customer.")]
    elif complaint is not None and complaint.status != ComplaintStatus.CLOSED:
        errors["complaint"] = [_("A complaint is surveyed after it is closed.")]
    if errors:
        raise FieldErrors(errors)
    return out


@transaction.atomic
def survey_create(*, actor: User, customer: Customer, data: dict[str, Any],
                  complaint: Complaint | None = None) -> SatisfactionSurvey:
    """Record a satisfaction survey (R-8.3) on a visible customer, after a closed complaint or periodically;
    the customer's owner and team at this moment are kept with the answer."""
    cleaned = _clean_survey(data, customer, complaint)
    owner = customer.owner
    survey = SatisfactionSurvey.objects.create(
        customer=customer, complaint=complaint, owner=owner, team_id=owner.team_id if owner else None,
        created_by=actor, created_at=timezone.now(), **cleaned)
    audit_record(actor=actor, action="create", obj=survey, customer_id=customer.pk,
                 changes=diff({}, {**cleaned, "complaint": complaint.pk if complaint else None}))
    return survey
