"""Built-in sweeps (cadence reminders, complaint deadlines) and R-3.3 keyword suggestions."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huike.automation import engine
from huike.automation.models import Reminder, Rule, Suggestion, SuggestionStatus
from huike.automation.suggestions import suggestion_decide
from huike.core.errors import Forbidden
from huike.customers.models import Customer
from huike.notifications.models import Notification
from huike.testing.factories import make_complaint, make_customer, make_followup


def _period(moment: dt.datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


def _cadence_rule() -> Rule:
    return Rule.objects.get(builtin="cadence")


def test_cadence_sweep_creates_one_reminder_per_due_follow_up_with_its_text(org):
    # given: one customer due yesterday (high intent), one due in a week
    now = timezone.now()
    due = make_customer(org.ra1, intent="high")
    later = make_customer(org.ra2, intent="low")
    Customer.objects.filter(pk=due.pk).update(next_followup_at=now - dt.timedelta(days=1),
                                              next_followup_reason="intent:high")
    Customer.objects.filter(pk=later.pk).update(next_followup_at=now + dt.timedelta(days=7),
                                                next_followup_reason="intent:low")
    period = _period(now)

    # when
    first = engine.run_scheduled(_cadence_rule(), period, now)
    second = engine.run_scheduled(_cadence_rule(), period, now)

    # then
    assert (first, second) == (1, 0)
    assert list(Reminder.objects.values_list("user__username", "customer_id", "title", "source")) == [
        ("ra1", due.pk, "需电话跟进当前需求进展", "cadence")]


def test_cadence_sweep_on_the_next_day_does_not_repeat_the_same_due_time(org):
    # given
    now = timezone.now()
    c = make_customer(org.ra1)
    Customer.objects.filter(pk=c.pk).update(next_followup_at=now - dt.timedelta(hours=2), next_followup_reason="planned")
    engine.run_scheduled(_cadence_rule(), _period(now), now)

    # when
    tomorrow = engine.run_scheduled(_cadence_rule(), _period(now + dt.timedelta(days=1)),
                                    now + dt.timedelta(days=1))

    # then
    assert tomorrow == 0
    assert list(Reminder.objects.values_list("title", flat=True)) == ["按计划跟进"]


def test_edited_cadence_text_is_used(org):
    # given
    rule = _cadence_rule()
    rule.actions = [{"type": "cadence_reminders", "texts": {"intent:high": "马上打电话"}}]
    rule.save()
    c = make_customer(org.ra1)
    Customer.objects.filter(pk=c.pk).update(next_followup_at=timezone.now(), next_followup_reason="intent:high")

    # when
    engine.run_scheduled(rule, _period(timezone.now()), timezone.now())

    # then
    assert list(Reminder.objects.values_list("title", flat=True)) == ["马上打电话"]


def test_complaint_past_its_response_deadline_is_escalated_once(org):
    # given
    customer = make_customer(org.ra1)
    complaint = make_complaint(customer, org.ra1, urgency="critical", received_at=timezone.now() - dt.timedelta(hours=3))
    rule = Rule.objects.get(builtin="complaint_deadlines")

    # when
    engine.run_scheduled(rule, "2026-01-01T10:00", timezone.now())
    engine.run_scheduled(rule, "2026-01-01T10:05", timezone.now())

    # then
    assert sorted(Notification.objects.values_list("user__username", "key")) == [
        ("ma", f"complaint:{complaint.pk}:response:u{org.ma.pk}"),
        ("ra1", f"complaint:{complaint.pk}:response:u{org.ra1.pk}")]


def test_keyword_in_a_follow_up_suggests_a_change_and_confirming_applies_it(org, django_capture_on_commit_callbacks):
    # given
    customer = make_customer(org.ra1, stage="intent")
    with django_capture_on_commit_callbacks(execute=True):
        make_followup(customer, org.ra1, content="客户同意签订合同，下周盖章")
    suggestion = Suggestion.objects.get()
    assert (suggestion.field, suggestion.value, suggestion.user_id) == ("stage", "closed", org.ra1.pk)

    # when
    suggestion_decide(actor=org.ra1, suggestion=suggestion, confirm=True)

    # then
    assert Customer.objects.get(pk=customer.pk).stage == "closed"
    assert Suggestion.objects.get().status == SuggestionStatus.CONFIRMED


def test_dismissing_a_suggestion_changes_nothing(org, django_capture_on_commit_callbacks):
    # given
    customer = make_customer(org.ra1, intent="medium")
    with django_capture_on_commit_callbacks(execute=True):
        make_followup(customer, org.ra1, content="对方已确认预算")
    suggestion = Suggestion.objects.get()

    # when
    suggestion_decide(actor=org.ra1, suggestion=suggestion, confirm=False)

    # then
    assert Customer.objects.get(pk=customer.pk).intent == "medium"
    assert Suggestion.objects.get().status == SuggestionStatus.DISMISSED


def test_someone_else_cannot_decide_a_suggestion(org, django_capture_on_commit_callbacks):
    # given
    customer = make_customer(org.ra1, stage="intent")
    with django_capture_on_commit_callbacks(execute=True):
        make_followup(customer, org.ra1, content="同意签订合同")
    suggestion = Suggestion.objects.get()

    # when / then
    with pytest.raises(Forbidden):
        suggestion_decide(actor=org.ma, suggestion=suggestion, confirm=True)
    assert Customer.objects.get(pk=customer.pk).stage == "intent"
    assert Suggestion.objects.get().status == SuggestionStatus.PENDING
