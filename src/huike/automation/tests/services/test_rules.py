"""Rules run by the worker: events after commit, idempotency, retries, recovery after a dead worker."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from huike.automation import engine
from huike.automation.models import ActionRun, ActionStatus, Event, Rule, RuleRun
from huike.customers.models import Customer
from huike.customers.services import customer_update
from huike.notifications.models import Notification
from huike.testing.factories import make_customer


def _upgrade_ready(org, capture):
    customer = make_customer(org.ra1, intent="medium")
    with capture(execute=True):
        customer_update(actor=org.ra1, customer=customer, data={
            "demand": "客户已确认预算，准备采购", "expected_close_date": timezone.localdate() + dt.timedelta(days=5)})
    return Customer.objects.get(pk=customer.pk)


def test_upgrade_rule_raises_intent_and_notifies_the_manager(org, django_capture_on_commit_callbacks):
    # when
    customer = _upgrade_ready(org, django_capture_on_commit_callbacks)

    # then
    assert customer.intent == "high"
    assert list(Notification.objects.filter(kind="rule").values_list("user__username", "title")) == [
        ("ma", f"客户升级为高意向：{customer.name}")]
    assert ActionRun.objects.filter(status=ActionStatus.DONE).count() == 2


def test_an_event_processed_twice_does_one_thing(org, django_capture_on_commit_callbacks):
    # given
    customer = _upgrade_ready(org, django_capture_on_commit_callbacks)
    event = Event.objects.filter(kind="customer_changed", customer=customer).order_by("id").first()
    Event.objects.filter(pk=event.pk).update(processed_at=None)  # as if a second worker got it too

    # when
    done = engine.process_event(event.pk)

    # then
    assert done == 0
    assert Notification.objects.filter(kind="rule").count() == 1
    assert ActionRun.objects.count() == 2


def test_a_disabled_rule_does_nothing(org, django_capture_on_commit_callbacks):
    # given
    Rule.objects.filter(builtin="upgrade").update(enabled=False)

    # when
    customer = _upgrade_ready(org, django_capture_on_commit_callbacks)

    # then
    assert customer.intent == "medium"
    assert Notification.objects.count() == 0


def test_late_registration_notifies_the_manager(org, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        customer = make_customer(org.rb1, first_contact_at=timezone.now() - dt.timedelta(hours=30))

    # then
    assert list(Notification.objects.values_list("user__username", "title")) == [
        ("mb", f"客户建档超时：{customer.name}")]


def test_timely_registration_notifies_nobody(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_customer(org.rb1, first_contact_at=timezone.now() - dt.timedelta(hours=3))
    assert Notification.objects.count() == 0


def test_events_left_by_a_dead_worker_are_picked_up_by_the_sweep(org):
    # given: the change committed but its task never ran (no on-commit callbacks here)
    customer = make_customer(org.ra1, intent="medium")
    customer_update(actor=org.ra1, customer=customer, data={
        "demand": "已确认预算", "expected_close_date": timezone.localdate() + dt.timedelta(days=2)})
    assert Customer.objects.get(pk=customer.pk).intent == "medium"

    # when: the sweep runs a couple of minutes later
    result = engine.sweep(now=timezone.now() + dt.timedelta(minutes=2))

    # then
    assert result == {"events": 2, "done": 2}
    assert Customer.objects.get(pk=customer.pk).intent == "high"
    # only the rule's own change is still waiting (for the next tick), and it cannot trigger that rule again
    assert list(Event.objects.filter(processed_at__isnull=True).values_list("caused_by_rule__builtin", flat=True)) == [
        "upgrade"]


def test_a_pending_action_whose_worker_died_is_done_once_its_lease_ran_out(org):
    # given: a claimed action (lease taken) that never finished
    customer = make_customer(org.ra1)
    rule = Rule.objects.create(name="t", trigger="customer_changed", actions=[
        {"type": "create_reminder", "title": "回访{name}"}])
    run = ActionRun.objects.create(rule=rule, key="r:1", customer=customer, action=rule.actions[0])
    assert engine.claim(run.pk, timezone.now()) is True

    # when: a sweep before the lease ends, then one after
    before = engine.sweep(now=timezone.now() + dt.timedelta(minutes=2))
    after = engine.sweep(now=timezone.now() + dt.timedelta(minutes=6))

    # then
    assert (before["done"], after["done"]) == (0, 1)
    assert list(customer.reminders.values_list("title", "source", "key")) == [(f"回访{customer.name}", "rule", "r:1")]


def test_a_failing_action_backs_off_then_fails_and_the_admin_can_retry(org, settings):
    # given: an SMS through a webhook nobody answers
    settings.HUIKE_MESSAGE_PROVIDER = "webhook"
    settings.HUIKE_MESSAGE_WEBHOOK_URL = "http://127.0.0.1:9/nothing"
    customer = make_customer(org.ra1)
    rule = Rule.objects.create(name="sms", trigger="customer_changed", actions=[
        {"type": "message", "channel": "sms", "to": "address", "address": "13900000000", "text": "hi"}])
    run = ActionRun.objects.create(rule=rule, key="r:sms", customer=customer, action=rule.actions[0])

    # when: the first attempt, then attempts each time the backoff allows
    attempts = [engine.execute(run.pk)]
    for minutes in (2, 10, 45, 200):
        attempts.append(engine.sweep(now=timezone.now() + dt.timedelta(minutes=minutes))["done"])
        ActionRun.objects.filter(pk=run.pk, status="pending").update(next_attempt_at=timezone.now())

    # then
    run.refresh_from_db()
    assert attempts == [0, 0, 0, 0, 0]
    assert (run.status, run.attempts) == (ActionStatus.FAILED, 5)
    assert "webhook" in run.last_error

    # when: the admin retries
    engine.retry(actor=org.admin, run=run)

    # then
    run.refresh_from_db()
    assert (run.status, run.attempts, run.next_attempt_at) == (ActionStatus.PENDING, 0, None)


def test_scheduled_rule_runs_once_per_period(org):
    # given: a weekly rule on Mondays adding a tag to low-intent customers
    low = make_customer(org.ra1, intent="low")
    make_customer(org.ra1, intent="high")
    rule = Rule.objects.create(name="周一标记", trigger="schedule", schedule={"kind": "weekly", "weekday": 0, "at": "09:00"},
                               conditions=[{"field": "intent", "op": "eq", "value": "low"}],
                               actions=[{"type": "add_tag", "tag": "需激活"}])
    monday = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    # when
    first = engine.run_due_schedules(now=monday)
    second = engine.run_due_schedules(now=monday + dt.timedelta(minutes=1))
    tuesday = engine.run_due_schedules(now=monday + dt.timedelta(days=1))

    # then
    assert first["周一标记"] == 1
    assert "周一标记" not in second and "周一标记" not in tuesday
    assert list(low.tags.values_list("name", flat=True)) == ["需激活"]
    assert list(RuleRun.objects.filter(rule=rule).values_list("period", "matched", "created")) == [("2026-11-23", 1, 1)]


def test_no_event_is_written_when_no_rule_listens(org):
    # given: every rule on customer changes switched off
    Rule.objects.filter(trigger="customer_changed").update(enabled=False)
    customer = make_customer(org.ra1)

    # when
    customer_update(actor=org.ra1, customer=customer, data={"remarks": "改备注"})

    # then
    assert Event.objects.filter(kind="customer_changed").count() == 0


def test_classification_changes_become_events_once(org, django_capture_on_commit_callbacks):
    from huike.classification.models import Change

    # given: a rule on value-class changes, and a change written by a classification run
    customer = make_customer(org.ra1)
    Rule.objects.create(name="升为战略客户", trigger="classification_changed",
                        conditions=[{"field": "value_class", "op": "changed_to", "value": "strategic"}],
                        actions=[{"type": "notify", "to": "manager", "title": "{name} 升为战略客户"}])
    Change.objects.create(customer=customer, value_class_from="key", value_class_to="strategic",
                          as_of=timezone.localdate())

    # when: two ticks of the worker
    with django_capture_on_commit_callbacks(execute=True):
        first = engine.classification_events()
    second = engine.classification_events()

    # then
    assert (first, second) == (1, 0)
    assert list(Notification.objects.values_list("user__username", "title")) == [("ma", f"{customer.name} 升为战略客户")]


def test_a_change_waiting_for_approval_announces_only_its_other_dimensions(org, django_capture_on_commit_callbacks):
    from huike.classification.models import Change

    # given: rules on value-class and relationship-type changes, and a run's change of one customer whose
    # relationship type moved and whose new value class waits for the manager
    customer = make_customer(org.ra1)
    for field, value in (("value_class", "strategic"), ("relationship_type", "churn_risk")):
        Rule.objects.create(name=f"{field} → {value}", trigger="classification_changed",
                            conditions=[{"field": field, "op": "changed_to", "value": value}],
                            actions=[{"type": "notify", "to": "manager", "title": f"{{name}} {value}"}])
    Change.objects.create(customer=customer, value_class_from="key", value_class_to="strategic",
                          relationship_type_from="stable", relationship_type_to="churn_risk",
                          value_tier_from="high", value_tier_to="high", as_of=timezone.localdate(), status="pending")

    # when: the worker ticks
    with django_capture_on_commit_callbacks(execute=True):
        events = engine.classification_events()

    # then: the relationship type is the one event
    assert events == 1
    assert list(Event.objects.filter(kind="classification_changed").values_list("changes", flat=True)) == [
        {"relationship_type": ["stable", "churn_risk"]}]
    assert list(Notification.objects.values_list("title", flat=True)) == [f"{customer.name} churn_risk"]


def test_a_value_class_change_approved_later_becomes_one_event(org, django_capture_on_commit_callbacks):
    from huike.classification.models import Change
    from huike.classification.services import change_decide

    # given: a rule on value-class changes and a change waiting for the manager's approval
    customer = make_customer(org.ra1)
    Rule.objects.create(name="升为战略客户", trigger="classification_changed",
                        conditions=[{"field": "value_class", "op": "changed_to", "value": "strategic"}],
                        actions=[{"type": "notify", "to": "manager", "title": "{name} 升为战略客户"}])
    change = Change.objects.create(customer=customer, value_class_from="key", value_class_to="strategic",
                                   as_of=timezone.localdate(), status="pending")

    # when: the worker ticks, the manager approves, and the worker ticks again
    before = engine.classification_events()
    with django_capture_on_commit_callbacks(execute=True):
        change_decide(actor=org.ma, change_ids=[change.pk], approve=True)
    after = engine.classification_events()

    # then: the approval is the one event; the ticks add none
    assert (before, after) == (0, 0)
    assert list(Event.objects.filter(kind="classification_changed").values_list("changes", flat=True)) == [
        {"value_class": ["", "strategic"]}]
    assert list(Notification.objects.values_list("user__username", "title")) == [("ma", f"{customer.name} 升为战略客户")]


def test_prune_removes_old_processed_events_and_done_runs_but_keeps_failures(org):
    customer = make_customer(org.ra1)
    rule = Rule.objects.get(builtin="upgrade")
    old = timezone.now() - dt.timedelta(days=120)
    gone = Event.objects.create(kind="customer_changed", customer=customer, processed_at=old)
    waiting = Event.objects.create(kind="customer_changed", customer=customer)  # not processed yet
    ActionRun.objects.create(rule=rule, key="done", customer=customer, action={}, status="done", done_at=old)
    ActionRun.objects.create(rule=rule, key="failed", customer=customer, action={}, status="failed")

    assert engine.prune() == 2
    assert not Event.objects.filter(pk=gone.pk).exists() and Event.objects.filter(pk=waiting.pk).exists()
    assert list(ActionRun.objects.values_list("key", flat=True)) == ["failed"]
