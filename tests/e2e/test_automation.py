"""Automation in a browser (issue 4): the admin builds a rule in the builder and dry-runs it; a rep's
notification count in the header changes without a reload and the rep marks the notification read."""
import pytest

from huike.automation.models import Rule
from huike.notifications.models import Notification
from huike.notifications.services import notify
from huike.testing.factories import make_customer

from .conftest import DESKTOP, PHONE, login, shot
from .test_reports import watch_errors

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_admin_builds_a_rule_and_dry_runs_it(new_page, org):
    # given
    hit = make_customer(org.ra1, name="价格敏感测试有限公司", demand="对价格很敏感，需要折扣")
    make_customer(org.ra1, name="售后关注有限公司", demand="关注售后服务")
    page = new_page(DESKTOP)
    errors = watch_errors(page)
    login(page, "admin")

    # when: a new rule — customer changed, demand contains 价格 → add a tag and notify the owner
    page.goto("/settings/automation/")
    assert page.locator("#rule-table .badge", has_text="内置").count() == 4  # zh-Hans, the default
    page.click("#new-rule")
    page.fill("#id_name", "价格敏感打标签")
    page.select_option("#id_trigger", "customer_changed")
    page.select_option("select[name=cond-0-field]", "demand")
    page.select_option("select[name=cond-0-op]", "contains")
    page.fill("input[name=cond-0-value]", "价格")
    page.select_option("select[name=act-0-type]", "add_tag")
    assert page.locator("input[name=act-0-tag]").is_visible()
    assert not page.locator("input[name=act-0-title]").is_visible()
    page.fill("input[name=act-0-tag]", "价格敏感")
    page.select_option("select[name=act-1-type]", "notify")
    page.fill("input[name=act-1-title]", "请关注{name}的报价")
    page.click("#dry-run")
    page.wait_for_selector("#dry-run-count")

    # then: the dry run names the matching customer and the actions, and nothing was saved
    result = page.locator("#dry-run-result").inner_text()
    assert result.startswith("将影响 1 条记录\n")  # zh-Hans, the default
    assert hit.name in result and f"请关注{hit.name}的报价" in result and "售后关注" not in result
    assert not Rule.objects.filter(name="价格敏感打标签").exists()
    shot(page, "desktop-automation-rule-dry-run")

    # when: saved
    page.click("#save-rule")
    page.wait_for_url("**/settings/automation/")

    # then
    rule = Rule.objects.get(name="价格敏感打标签")
    assert rule.conditions == [{"field": "demand", "op": "contains", "value": "价格"}]
    assert [a["type"] for a in rule.actions] == ["add_tag", "notify"]
    assert list(hit.tags.all()) == []  # a saved rule waits for its trigger
    assert errors == []


def test_notification_count_updates_without_reload_and_is_marked_read(new_page, org):
    # given
    page = new_page(PHONE)
    errors = watch_errors(page)
    login(page, "ra1")
    page.goto("/tasks/")
    assert page.locator("#unread-count").count() == 0

    # when: a notification arrives while the page is open
    notify(user=org.ra1, title="客户升级为高意向：测试公司", body="意向已由中升为高", url="/tasks/")

    # then: the header badge shows it within the polling interval, without a reload
    page.wait_for_selector("#unread-count", timeout=15_000)
    assert page.locator("#unread-count").inner_text().startswith("1")
    shot(page, "phone-notification-badge")

    # when: the rep opens the centre and marks it read
    page.click("#notification-bell")
    page.wait_for_url("**/notifications/")
    shot(page, "phone-notification-centre")
    page.click("#notification-list .mark-read")
    page.wait_for_url("**/notifications/")

    # then
    assert Notification.objects.get(user=org.ra1).read_at is not None
    assert page.locator("#unread-count").count() == 0
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": page.url}])
    page.goto("/notifications/")
    shot(page, "phone-notification-centre-zh")
    assert errors == []


def test_rep_snoozes_a_task_and_sees_the_calendar(new_page, org):
    import datetime as dt

    from django.utils import timezone

    from huike.automation.models import Reminder
    from huike.customers.models import Customer

    # given: an overdue task and a follow-up due today
    customer = make_customer(org.ra1, name="日历演示有限公司")
    Customer.objects.filter(pk=customer.pk).update(next_followup_at=timezone.now() + dt.timedelta(hours=1))
    task = Reminder.objects.create(user=org.ra1, customer=customer, title="需电话跟进当前需求进展", source="cadence",
                                   due_at=timezone.now() - dt.timedelta(days=1), key="e2e:1")
    page = new_page(PHONE)
    errors = watch_errors(page)
    login(page, "ra1")

    # when
    page.goto("/tasks/")
    assert page.locator(".reminder-group[data-group=overdue]").count() == 1
    shot(page, "phone-tasks-overdue")
    page.click("#reminder-list .dropdown-toggle")
    page.click("button[name=for][value='1d']")
    page.wait_for_url("**/tasks/")

    # then
    task.refresh_from_db()
    assert timezone.localtime(task.due_at).date() == timezone.localdate() + dt.timedelta(days=1)
    assert page.locator(".reminder-group[data-group=upcoming]").count() == 1

    page = new_page(DESKTOP)
    login(page, "ra1")
    page.goto("/tasks/calendar/")
    assert "日历演示有限公司" in page.locator("#calendar").inner_text()
    shot(page, "desktop-calendar-month")
    assert errors == []
