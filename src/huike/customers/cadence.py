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


def refresh_cadence(customer: Customer, *, save: bool = True, now: dt.datetime | None = None,
                    planned: dt.datetime | None = None, rules: list[CadenceRule] | None = None) -> None:
    """Recompute next_followup_at from the last contact (or registration) and the planned time."""
    last = customer.last_followup_at or customer.first_contact_at or customer.created_at or now or timezone.now()
    if planned is None and customer.pk:
        latest = customer.followups.order_by("-occurred_at", "-id").values_list("next_followup_at", flat=True).first()
        planned = latest
    due = next_due(
        last_contact=last, stage=customer.stage, intent=customer.intent, value_class=customer.value_class or None,
        rules=rules if rules is not None else active_rules(), planned=planned, tz=ZoneInfo(settings.TIME_ZONE),
    )
    customer.next_followup_at = due.at if due else None
    customer.next_followup_reason = due_reason_key(due)
    if save:
        customer.save(update_fields=["next_followup_at", "next_followup_reason"])
