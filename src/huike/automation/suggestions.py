"""R-3.3: after a follow-up is saved, keyword rules suggest a change of stage or intent; the author
confirms (the change goes through customer_update as that user) or dismisses it."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from huike.accounts.models import User
from huike.core.errors import Forbidden

from .models import Event, Suggestion, SuggestionRule, SuggestionStatus, Trigger

DEFAULT_RULES = [("同意签订合同", "stage", "closed"), ("已确认预算", "intent", "high"),
                 ("有采购意向", "stage", "intent"), ("暂无需求", "intent", "low")]
FIELDS = ("stage", "intent")


def suggest_for_event(event_id: int) -> int:
    event = Event.objects.filter(pk=event_id, kind=Trigger.FOLLOWUP_ADDED).first()
    if event is None or "followup" not in event.changes:
        return 0
    return suggest(event.changes["followup"][1])


def suggest(followup_id: int) -> int:
    from huike.followups.models import FollowUp
    from huike.notifications.services import notify

    followup = FollowUp.objects.select_related("customer", "author").filter(pk=followup_id).first()
    if followup is None or followup.author_id is None:
        return 0
    text = " ".join(filter(None, [followup.content, followup.feedback, followup.result, followup.next_action]))
    made = 0
    for rule in SuggestionRule.objects.filter(active=True, field__in=FIELDS):
        if rule.keyword not in text or getattr(followup.customer, rule.field) == rule.value:
            continue
        try:
            with transaction.atomic():
                Suggestion.objects.create(user=followup.author, customer=followup.customer, followup=followup,
                                          field=rule.field, value=rule.value, keyword=rule.keyword)
        except IntegrityError:  # one suggestion per follow-up and field: the first matching rule wins
            continue
        made += 1
        notify(user=followup.author, kind="suggestion", url=reverse("automation:reminders") + "#suggestions",
               title=_("Suggested change for %(name)s") % {"name": followup.customer.name},
               body=f"「{rule.keyword}」", key=f"suggestion:{followup.pk}:{rule.field}")
    return made


def suggestion_decide(*, actor: User, suggestion: Suggestion, confirm: bool) -> Suggestion:
    from huike.customers.services import customer_update

    if suggestion.user_id != actor.pk:
        raise Forbidden(_("Only the author of the follow-up can decide on this suggestion."))
    if suggestion.status != SuggestionStatus.PENDING:
        return suggestion
    with transaction.atomic():
        if confirm:
            customer_update(actor=actor, customer=suggestion.customer, data={suggestion.field: suggestion.value})
        suggestion.status = SuggestionStatus.CONFIRMED if confirm else SuggestionStatus.DISMISSED
        suggestion.save(update_fields=["status"])
    return suggestion


def suggestion_rule_add(*, actor: User, keyword: str, field: str, value: str) -> SuggestionRule:
    from huike.core.errors import FieldErrors
    from huike.customers.models import Intent, Stage

    if not actor.is_admin:
        raise Forbidden(_("Only an admin can change automation rules."))
    allowed = {"stage": Stage.values, "intent": Intent.values}
    errors = {}
    if not keyword.strip():
        errors["keyword"] = [_("Enter the keyword to look for.")]
    if field not in allowed:
        errors["field"] = [_("Choose the funnel stage or the intent level.")]
    elif value not in allowed[field]:
        errors["value"] = [_("Choose a value of that field.")]
    if errors:
        raise FieldErrors(errors)
    return SuggestionRule.objects.create(keyword=keyword.strip()[:60], field=field, value=value)


def suggestion_rule_delete(*, actor: User, rule: SuggestionRule) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only an admin can change automation rules."))
    rule.delete()
