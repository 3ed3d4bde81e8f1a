"""Manager and admin classification pages: the approval queue, the rules with their what-if, the strategies."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huike.classification.models import Change, ChangeStatus, Strategy, ThresholdSet
from huike.classification.services import current_thresholds, run_create, run_execute
from huike.customers.models import Customer
from huike.testing.factories import make_customer, make_order

pytestmark = pytest.mark.django_db

BEFORE, AFTER = dt.date(2026, 9, 1), dt.date(2026, 11, 1)


def run(actor, as_of):
    return run_execute(run_create(actor=actor, as_of=as_of).pk)


def grow(owner, amount="600000"):
    """A customer first classified normal (no orders), whose October orders make it strategic later."""
    c = make_customer(owner)
    make_order(c, owner, date=dt.date(2026, 10, 1), amount=Decimal(amount))
    return c


@pytest.fixture
def pending(org):
    """Two of team A and one of team B waiting to become strategic."""
    cs = {"a1": grow(org.ra1), "a2": grow(org.ra2), "b": grow(org.rb1)}
    run(org.admin, BEFORE)
    run(org.admin, AFTER)
    return {k: Change.objects.get(customer=c, status=ChangeStatus.PENDING) for k, c in cs.items()}


def form_data(**overrides):
    data = {k: v for k, v in current_thresholds().as_dict().items() if k not in ("rule_order", "class_approval")}
    data["rule_order"] = list(current_thresholds().rule_order)
    data["class_approval"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- approvals --------------------------------------------------------------------------------

def test_rep_cannot_open_or_use_the_approval_queue(client, org, pending):
    client.force_login(org.ra1)
    assert client.get(reverse("classification:approvals")).status_code == 403
    response = client.post(reverse("classification:approvals"), {"ids": [pending["a1"].pk], "decision": "approve"})
    assert response.status_code == 403
    assert Change.objects.get(pk=pending["a1"].pk).status == ChangeStatus.PENDING


def test_manager_sees_only_the_teams_pending_changes_with_the_evidence(client, org, pending):
    client.force_login(org.ma)
    html = client.get(reverse("classification:approvals")).content.decode()
    assert f'id="change-{pending["a1"].pk}"' in html and f'id="change-{pending["a2"].pk}"' in html
    assert f'id="change-{pending["b"].pk}"' not in html
    assert "12-month amount ¥600,000: strategic ≥ ¥500,000" in html
    # and each row shows the move that waits: from the class in force to the computed one
    row = html[html.index(f'id="change-{pending["a1"].pk}"'):]
    row = row[:row.index("</tr>")]
    assert re.findall(r'class="badge[^"]*"[^>]*>([^<]+)<', row) == ["Normal customer", "Strategic customer"]


def test_manager_approves_in_bulk_and_the_class_takes_effect(client, org, pending):
    client.force_login(org.ma)
    # when ma approves both team changes and (smuggled) team B's
    ids = [pending["a1"].pk, pending["a2"].pk, pending["b"].pk]
    response = client.post(reverse("classification:approvals"), {"ids": ids, "decision": "approve"})
    # then the team's two apply, team B's still waits
    assert response.status_code == 302
    statuses = {k: Change.objects.get(pk=c.pk).status for k, c in pending.items()}
    assert statuses == {"a1": "applied", "a2": "applied", "b": "pending"}
    assert Customer.objects.get(pk=pending["a1"].customer_id).value_class == "strategic"


def test_manager_rejects_one_and_the_class_stays(client, org, pending):
    client.force_login(org.ma)
    client.post(reverse("classification:approvals"), {"reject_one": pending["a1"].pk})
    assert Change.objects.get(pk=pending["a1"].pk).status == ChangeStatus.REJECTED
    assert Change.objects.get(pk=pending["a2"].pk).status == ChangeStatus.PENDING
    assert Customer.objects.get(pk=pending["a1"].customer_id).value_class == "normal"


def test_a_decision_without_a_selection_changes_nothing(client, org, pending):
    client.force_login(org.ma)
    response = client.post(reverse("classification:approvals"), {"decision": "approve"}, follow=True)
    assert "Select at least one change, then approve or reject." in response.content.decode()
    assert Change.objects.filter(status=ChangeStatus.PENDING).count() == 3


def test_admin_sees_every_pending_change(client, org, pending):
    client.force_login(org.admin)
    assert len(client.get(reverse("classification:approvals")).context["rows"]) == 3


def test_approval_queue_runs_the_same_number_of_queries_for_few_and_many_changes(client, org):
    def count():
        client.get(reverse("classification:approvals"))  # warm session and caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("classification:approvals")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(org.ma)
    grow(org.ra1)
    run(org.admin, BEFORE)
    run(org.admin, AFTER)
    few = count()
    for _i in range(6):
        grow(org.ra2)
    run(org.admin, BEFORE)  # the new ones get their first class (normal), the first keeps waiting
    run(org.admin, AFTER)
    assert Change.objects.filter(status=ChangeStatus.PENDING).count() == 7
    assert count() == few


# --- rules and what-if -------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["ra1", "ma"])
def test_only_admins_open_or_save_the_rules(client, org, who):
    client.force_login(getattr(org, who))
    assert client.get(reverse("classification:rules")).status_code == 403
    assert client.post(reverse("classification:rules"), form_data(tier_high_pct=25, tier_low_pct=25)).status_code == 403
    assert client.post(reverse("classification:what_if"), form_data()).status_code == 403
    assert ThresholdSet.objects.count() == 0


def test_admin_sees_every_threshold_grouped_and_the_rule_order(client, org):
    client.force_login(org.admin)
    response = client.get(reverse("classification:rules"))
    html = response.content.decode()
    assert response.status_code == 200
    for name in current_thresholds().as_dict():
        assert f'name="{name}"' in html, name
    assert [k for k, _label in response.context["rule_order"]] == list(current_thresholds().rule_order)


def test_admin_saves_new_thresholds_and_rule_order(client, org):
    client.force_login(org.admin)
    order = ["strategic", "churn_risk", "potential", "stable", "low_frequency"]
    response = client.post(reverse("classification:rules"),
                           form_data(tier_high_pct=25, tier_medium_pct=45, rule_order=order, class_approval=None))
    assert response.status_code == 302
    saved = current_thresholds()
    assert (saved.tier_high_pct, saved.tier_medium_pct, saved.class_approval) == (25, 45, False)
    assert list(saved.rule_order) == order


@pytest.mark.parametrize("overrides, field, message", [
    ({"tier_high_pct": 30}, "tier_low_pct", "The three tier percentages must add up to 100."),
    ({"stable_max": 300000}, "stable_max", "This band overlaps the next one; bands must follow each other."),
    ({"class_key_min": 600000}, "class_key_min", "This band overlaps the next one; bands must follow each other."),
    ({"tier_window_months": "six"}, "tier_window_months", "Enter a whole number."),
    ({"rule_order": ["stable", "stable", "potential", "churn_risk", "strategic"]}, "rule_order",
     "List each relationship rule exactly once."),
])
def test_incoherent_thresholds_show_the_error_under_the_field_and_save_nothing(client, org, overrides, field,
                                                                             message):
    client.force_login(org.admin)
    response = client.post(reverse("classification:rules"), form_data(**overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="error-{field}"' in html and message in html
    assert ThresholdSet.objects.count() == 0


def test_what_if_shows_the_moves_without_saving(client, org):
    # given customers classified under the defaults
    grow(org.ra1, "600000")
    grow(org.ra1, "150000")
    run(org.admin, AFTER)
    client.force_login(org.admin)
    # when the admin previews a strategic threshold of 700,000
    response = client.post(reverse("classification:what_if"), form_data(class_strategic_min=700000),
                           HTTP_HX_REQUEST="true")
    # then the value-class matrix shows one strategic → key move, and nothing is saved
    matrices = {m["title"]: m for m in response.context["matrices"]}
    assert response.status_code == 200
    assert matrices["Value class"]["moved"] == 1
    assert ThresholdSet.objects.count() == 0
    assert current_thresholds().class_strategic_min == 500000


def test_what_if_with_incoherent_values_lists_the_errors(client, org):
    client.force_login(org.admin)
    response = client.post(reverse("classification:what_if"), form_data(potential_min=2000000),
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="what-if-errors"' in html and "The lower bound must be below the upper bound." in html
    assert ThresholdSet.objects.count() == 0


# --- strategies --------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["ra1", "ma"])
def test_reps_and_managers_read_the_strategies_without_forms(client, org, who):
    client.force_login(getattr(org, who))
    html = client.get(reverse("classification:strategies")).content.decode()
    assert "24小时内联系客户了解情况" in html and "<textarea" not in html


@pytest.mark.parametrize("who", ["ra1", "ma"])
def test_non_admins_cannot_edit_a_strategy(client, org, who):
    s = Strategy.objects.get(dimension="relationship_type", value="churn_risk")
    client.force_login(getattr(org, who))
    response = client.post(reverse("classification:strategy_edit", args=[s.pk]), {
        "service_level": "x", "owner_role": "x", "contact_frequency": "x", "core_actions": "x", "task_due_days": 1})
    assert response.status_code == 403
    assert Strategy.objects.get(pk=s.pk).service_level == s.service_level


def test_admin_edits_a_strategy(client, org):
    s = Strategy.objects.get(dimension="value_class", value="key")
    client.force_login(org.admin)
    response = client.post(reverse("classification:strategy_edit", args=[s.pk]), {
        "service_level": "重点客户：每月一次深度沟通", "owner_role": "客户负责人", "contact_frequency": "每月一次",
        "core_actions": "安排深度沟通\n\n更新需求清单", "task_due_days": 10, "active": "on"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.contact_frequency, s.task_due_days, s.actions()) == ("每月一次", 10, ["安排深度沟通", "更新需求清单"])


def test_a_bad_strategy_shows_the_errors_and_saves_nothing(client, org):
    s = Strategy.objects.get(dimension="value_class", value="key")
    client.force_login(org.admin)
    response = client.post(reverse("classification:strategy_edit", args=[s.pk]), {
        "service_level": "x", "owner_role": "x", "contact_frequency": "x", "core_actions": "x", "task_due_days": 400})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="error-{s.pk}-task_due_days"' in html and "Enter a whole number of days between 0 and 365." in html
    assert Strategy.objects.get(pk=s.pk).task_due_days == s.task_due_days


def test_pages_speak_chinese_by_default(client, org, settings):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    client.force_login(org.admin)
    html = client.get(reverse("classification:strategies")).content.decode()
    assert 'lang="zh-Hans"' in html and "流失风险" in html
