"""Rule builder pages: admin only, saving through the service, dry run writes nothing."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from huike.automation.models import ActionRun, Rule
from huike.customers.models import Customer
from huike.notifications.models import Notification
from huike.testing.factories import make_customer

FORM = {
    "name": "价格敏感客户打标签", "description": "", "enabled": "on", "trigger": "customer_changed",
    "sched_kind": "daily", "sched_at": "09:00",
    "cond-0-field": "demand", "cond-0-op": "contains", "cond-0-value": "价格",
    "cond-1-field": "", "cond-1-op": "eq", "cond-1-value": "",
    "act-0-type": "add_tag", "act-0-tag": "价格敏感",
    "act-1-type": "notify", "act-1-to": "owner", "act-1-title": "请关注{name}的报价",
    "act-2-type": "",
}


def test_a_rep_cannot_open_the_rule_pages(client, org):
    client.force_login(org.ra1)
    assert client.get(reverse("rules:list")).status_code == 403
    assert client.post(reverse("rules:create"), FORM).status_code == 403
    assert Rule.objects.filter(name=FORM["name"]).count() == 0


def test_the_admin_sees_the_built_in_rules(client, org):
    client.force_login(org.admin)
    body = client.get(reverse("rules:list")).content.decode()
    for name in ("跟进节奏提醒", "已确认预算自动升级意向", "24小时建档提醒", "投诉时限升级"):
        assert name in body


def test_the_admin_builds_a_rule_from_the_form(client, org):
    # when
    client.force_login(org.admin)
    response = client.post(reverse("rules:create"), FORM)

    # then
    assert response.status_code == 302
    rule = Rule.objects.get(name="价格敏感客户打标签")
    assert (rule.trigger, rule.enabled, rule.schedule) == ("customer_changed", True, {})
    assert rule.conditions == [{"field": "demand", "op": "contains", "value": "价格"}]
    assert rule.actions == [{"type": "add_tag", "tag": "价格敏感"},
                            {"type": "notify", "to": "owner", "user": None, "title": "请关注{name}的报价", "body": ""}]


def test_an_invalid_rule_is_refused_with_messages_and_nothing_saved(client, org):
    client.force_login(org.admin)
    response = client.post(reverse("rules:create"), {**FORM, "name": "", "trigger": "schedule", "sched_kind": "cron",
                                                     "sched_expr": "99 * * * *", "act-0-type": "", "act-1-type": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写规则名称。" in body  # zh-Hans, the default language
    assert Rule.objects.filter(builtin__isnull=True).count() == 0


def test_dry_run_lists_matching_customers_and_actions_and_writes_nothing(client, org):
    # given
    hit = make_customer(org.ra1, demand="对价格很敏感")
    make_customer(org.ra1, demand="关注售后")
    before = (Customer.objects.count(), Notification.objects.count(), ActionRun.objects.count())

    # when
    client.force_login(org.admin)
    response = client.post(reverse("rules:dry_run"), FORM)

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert hit.name in body and f"请关注{hit.name}的报价" in body
    assert "关注售后" not in body
    assert body.count('class="list-group-item"') == 1
    assert (Customer.objects.count(), Notification.objects.count(), ActionRun.objects.count()) == before
    assert list(hit.tags.all()) == []


def test_dry_run_of_the_cadence_rule_lists_due_follow_ups(client, org):
    c = make_customer(org.ra1)
    Customer.objects.filter(pk=c.pk).update(next_followup_at=timezone.now() - dt.timedelta(hours=1),
                                            next_followup_reason="intent:high")
    rule = Rule.objects.get(builtin="cadence")
    client.force_login(org.admin)
    page = client.get(reverse("rules:edit", args=[rule.pk])).content.decode()
    assert "intent:high=需电话跟进当前需求进展" in page
    form = {"name": rule.name, "enabled": "on", "trigger": "schedule", "sched_kind": "daily", "sched_at": "08:00",
            "act-0-type": "cadence_reminders", "act-0-texts": "intent:high=需电话跟进当前需求进展", "act-0-default": "跟进"}
    body = client.post(reverse("rules:dry_run"), form).content.decode()
    assert c.name in body and "需电话跟进当前需求进展" in body


def test_built_in_rule_can_be_switched_off_but_not_deleted(client, org):
    rule = Rule.objects.get(builtin="upgrade")
    client.force_login(org.admin)
    client.post(reverse("rules:toggle", args=[rule.pk]))
    assert Rule.objects.get(pk=rule.pk).enabled is False
    assert client.post(reverse("rules:delete", args=[rule.pk])).status_code == 403
    assert Rule.objects.filter(pk=rule.pk).exists()


def test_failed_action_is_listed_and_retried(client, org):
    c = make_customer(org.ra1)
    rule = Rule.objects.get(builtin="upgrade")
    run = ActionRun.objects.create(rule=rule, key="x", customer=c, action={"type": "notify"}, status="failed",
                                   attempts=5, last_error="SMTP down")
    client.force_login(org.admin)
    assert "SMTP down" in client.get(reverse("rules:list")).content.decode()
    client.post(reverse("rules:action_retry", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("pending", 0)


def test_admin_adds_and_removes_a_keyword_suggestion(client, org):
    from huike.automation.models import SuggestionRule

    client.force_login(org.admin)
    client.post(reverse("rules:keyword_add"), {"keyword": "确认下单", "change": "stage:closed"})
    rule = SuggestionRule.objects.get(keyword="确认下单")
    assert (rule.field, rule.value, rule.active) == ("stage", "closed", True)
    client.post(reverse("rules:keyword_add"), {"keyword": "x", "change": "stage:nonsense"})
    assert not SuggestionRule.objects.filter(keyword="x").exists()
    client.post(reverse("rules:keyword_delete", args=[rule.pk]))
    assert not SuggestionRule.objects.filter(keyword="确认下单").exists()
