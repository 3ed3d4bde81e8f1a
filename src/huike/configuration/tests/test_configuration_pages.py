import pytest
from django.urls import reverse

from huike.customers.models import Option
from huike.followups.models import CadenceRuleRow
from huike.service.models import ComplaintDeadline


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("tab", ["lists", "cadence", "deadlines"])
def test_admin_sees_every_settings_tab(client, org, tab):
    response = login(client, org.admin).get(reverse("configuration:index"), {"tab": tab})
    assert response.status_code == 200


def test_managers_and_reps_are_refused_and_anonymous_sent_to_login(client, org):
    for user in (org.ma, org.ra1):
        client.force_login(user)
        assert client.get(reverse("configuration:index")).status_code == 403
        response = client.post(reverse("configuration:option_add"),
                               {"kind": "industry", "key": "hack", "label_zh": "x", "label_en": "x"})
        assert response.status_code == 403
    client.logout()
    response = client.get(reverse("configuration:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Option.objects.filter(key="hack").exists()


def test_admin_adds_and_edits_entries_rules_and_deadlines(client, org):
    login(client, org.admin)
    client.post(reverse("configuration:option_add"),
                {"kind": "source", "key": "wechat_group", "label_zh": "微信社群", "label_en": "WeChat group"})
    option = Option.objects.get(kind="source", key="wechat_group")
    assert (option.label_zh, option.active) == ("微信社群", True)
    client.post(reverse("configuration:option_edit", args=[option.pk]),
                {"label_zh": "微信群", "label_en": "WeChat group", "position": "3"})
    option.refresh_from_db()
    assert (option.label_zh, option.position, option.active) == ("微信群", 3, False)
    rule = CadenceRuleRow.objects.get(dimension="stage", value="potential")
    client.post(reverse("configuration:cadence_edit", args=[rule.pk]),
                {"kind": "days", "n": "5", "label": "潜在客户每5天", "active": "on"})
    rule.refresh_from_db()
    assert (rule.n, rule.label) == (5, "潜在客户每5天")
    row = ComplaintDeadline.objects.get(urgency="general")
    client.post(reverse("configuration:deadline_edit", args=[row.pk]), {"response_hours": "12", "resolve_hours": "48"})
    row.refresh_from_db()
    assert (row.response_hours, row.resolve_hours) == (12, 48)


def test_bad_values_show_an_error_and_change_nothing(client, org):
    login(client, org.admin)
    row = ComplaintDeadline.objects.get(urgency="general")
    response = client.post(reverse("configuration:deadline_edit", args=[row.pk]),
                           {"response_hours": "abc", "resolve_hours": "48"}, follow=True)
    assert "response_hours" in response.content.decode()
    row.refresh_from_db()
    assert (row.response_hours, row.resolve_hours) == (24, 168)
