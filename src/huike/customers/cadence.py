"""Applies the cadence rules (R-3.2) to a customer: the one place next_followup_at is computed."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from huike.followups.domain.cadence import CadenceRule, next_due
from huike.followups.models import CadenceRuleRow

from .models import Customer


def active_rules() -> list[CadenceRule]:
    return [
        CadenceRule(r.dimension, r.value, r.kind, r.n, r.label)
        for r in CadenceRuleRow.objects.filter(active=True)
    ]


def due_reason_key(due) -> str:
    """A stable key for why the follow-up is due: "stage:intent", "intent:high", "planned" or ""."""
    if due is None:
        return ""
    return f"{due.rule.dimension}:{due.rule.value}" if due.rule else "planned"


_LOOK_UP = object()


def due_fields(*, last: dt.datetime, stage: str, intent: str | None, value_class: str | None,
               rules: list[CadenceRule], planned: dt.datetime | None) -> tuple[dt.datetime | None, str]:
    """(next_followup_at, next_followup_reason) from the last contact; a pure function of its arguments."""
    due = next_due(last_contact=last, stage=stage, intent=intent, value_class=value_class, rules=rules,
                   planned=planned, tz=ZoneInfo(settings.TIME_ZONE))
    return (due.at if due else None), due_reason_key(due)


def refresh_cadence(customer: Customer, *, save: bool = True, now: dt.datetime | None = None,
                    planned=_LOOK_UP, rules: list[CadenceRule] | None = None) -> None:
    """Recompute next_followup_at from the last contact (or registration) and the planned time.

    `planned` is the latest follow-up's planned next time; it is looked up unless given (None included).
    """
    last = customer.last_followup_at or customer.first_contact_at or customer.created_at or now or timezone.now()
    if planned is _LOOK_UP:
        planned = None
        if customer.pk:
            planned = customer.followups.order_by("-occurred_at", "-id").values_list(
                "next_followup_at", flat=True).first()
    customer.next_followup_at, customer.next_followup_reason = due_fields(
        last=last, stage=customer.stage, intent=customer.intent, value_class=customer.value_class or None,
        rules=rules if rules is not None else active_rules(), planned=planned)
    if save:
        customer.save(update_fields=["next_followup_at", "next_followup_reason"])


def refresh_all_cadences(*, batch_size: int = 2000) -> int:
    """Recompute every live customer's due time after the rules changed. Returns how many changed.

    Batches by primary key; the planned time of each customer's latest follow-up comes from one
    subquery per batch, and only changed rows are written.
    """
    from django.db.models import OuterRef, Subquery

    from huike.followups.models import FollowUp

    rules = active_rules()
    latest_plan = FollowUp.objects.filter(customer=OuterRef("pk")).order_by("-occurred_at", "-id")
    fields = ["id", "stage", "intent", "value_class", "last_followup_at", "first_contact_at", "created_at",
              "next_followup_at", "next_followup_reason"]
    changed_total, last_pk = 0, 0
    while True:
        batch = list(
            Customer.objects.filter(pk__gt=last_pk, deleted_at__isnull=True).order_by("pk").only(*fields)
            .annotate(planned=Subquery(latest_plan.values("next_followup_at")[:1]))[:batch_size]
        )
        if not batch:
            return changed_total
        changed = []
        for c in batch:
            before = (c.next_followup_at, c.next_followup_reason)
            refresh_cadence(c, save=False, planned=c.planned, rules=rules)
            if (c.next_followup_at, c.next_followup_reason) != before:
                changed.append(c)
        Customer.objects.bulk_update(changed, ["next_followup_at", "next_followup_reason"])
        changed_total += len(changed)
        last_pk = batch[-1].pk
