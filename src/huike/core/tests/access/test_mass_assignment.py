"""Issue 7 point 3: nobody changes owner, team, role, staff flags or audit fields except through the R-1 action
that allows it, and nobody widens their own rights — through JSON or through forged form fields."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from huike.accounts.models import User
from huike.core.api_testing import client_for, db_fingerprint, url
from huike.customers.models import Customer
from huike.testing.factories import make_customer, make_followup


@pytest.mark.parametrize("field, value", [
    ("created_by", None), ("deleted_at", "2026-01-01T00:00:00Z"), ("version", 99), ("code", "C999"),
    ("value_tier", "high"), ("value_class", "strategic"), ("classification", {}), ("created_at", "2020-01-01T00:00:00Z"),
    ("registered_late", True), ("next_followup_at", "2030-01-01T00:00:00Z"), ("search_text", "x"), ("id", 1),
])
def test_customer_computed_and_audit_fields_are_refused_not_ignored(org, field, value):
    # given a rep's own customer
    customer = make_customer(org.ra1)
    before = db_fingerprint()
    # when the rep (or the admin) sends a field the API only reports
    for user in (org.ra1, org.admin):
        response = client_for(user).patch(url("customer-detail", customer.pk), {field: value}, format="json")
        # then it is a 400 naming the field, and nothing changed
        assert (response.status_code, list(response.json())) == (400, [field])
    assert db_fingerprint() == before


@pytest.mark.parametrize("who, new_owner, status", [("ra1", "ra2", 403), ("ra1", "rb1", 403), ("ma", "rb1", 403)])
def test_owner_moves_outside_r1_are_refused(org, who, new_owner, status):
    # given ra1's customer
    customer = make_customer(org.ra1)
    actor, target = getattr(org, who), getattr(org, new_owner)
    page = Client()
    page.force_login(actor)  # signing in is audited: before the baseline
    before = db_fingerprint()
    # when a rep gives it away, or a manager moves it to another team, through the API and the page
    api = client_for(actor).patch(url("customer-detail", customer.pk), {"owner": target.pk}, format="json")
    form = page.post(reverse("customers:assign", args=[customer.pk]), {"owner": target.pk})
    # then both are refused and nothing changed
    assert (api.status_code, form.status_code) == (status, status)
    assert db_fingerprint() == before


def test_a_rep_cannot_create_a_customer_for_someone_else(org):
    before = db_fingerprint()
    response = client_for(org.ra1).post(url("customer-list"), {"name": "代建客户有限公司", "contact_name": "王",
                                                              "phone": "13900002222", "owner": org.rb1.pk}, format="json")
    assert response.status_code == 403
    assert db_fingerprint() == before


def test_a_forged_owner_field_on_the_rep_create_page_is_ignored(org):
    # given a rep whose create form has no owner choice
    client = Client()
    client.force_login(org.ra1)
    # when it posts one anyway
    response = client.post(reverse("customers:create"), {
        "name": "伪造归属有限公司", "kind": "enterprise", "contact_name": "王", "phone": "13900003333",
        "stage": "potential", "intent": "medium", "owner": org.rb1.pk})
    # then the customer is the rep's own
    assert response.status_code == 302
    assert Customer.objects.get(name="伪造归属有限公司").owner == org.ra1


@pytest.mark.parametrize("who", ["ra1", "ma"])
@pytest.mark.parametrize("change", [
    {"role": "admin"}, {"role": "manager"}, {"team": None}, {"is_active": True}, {"can_view_contacts": True},
    {"is_staff": True}, {"is_superuser": True},
])
def test_nobody_but_an_admin_changes_a_user_not_even_their_own(org, who, change):
    # given a rep or a manager
    actor = getattr(org, who)
    page = Client()
    page.force_login(actor)  # signing in is audited: before the baseline
    before = db_fingerprint()
    # when it tries to widen its own rights through the API and the settings page
    api = client_for(actor).patch(url("user-detail", actor.pk), change, format="json")
    form = page.post(reverse("accounts:user_edit", args=[actor.pk]), {"username": actor.username, **{
        k: ("" if v is None else v) for k, v in change.items()}})
    # then both are refused (the flags the API does not know are a 400) and nothing changed
    assert api.status_code in (400, 403) and form.status_code == 403
    assert db_fingerprint() == before


def test_staff_and_superuser_flags_are_not_writable_even_by_an_admin(org):
    before = db_fingerprint()
    for field in ("is_staff", "is_superuser", "last_login", "date_joined"):
        response = client_for(org.admin).patch(url("user-detail", org.ra1.pk), {field: True}, format="json")
        assert (response.status_code, list(response.json())) == (400, [field])
    assert db_fingerprint() == before


def test_an_admin_cannot_drop_its_own_admin_role(org):
    before = db_fingerprint()
    response = client_for(org.admin).patch(url("user-detail", org.admin.pk), {"role": "rep"}, format="json")
    assert response.status_code == 400
    assert db_fingerprint() == before


@pytest.mark.parametrize("field, value", [("author", 1), ("review_status", "approved"), ("reviewed_by", 1),
                                          ("review_comment", "自己批准"), ("customer", None)])
def test_followup_author_and_review_fields_are_not_writable(org, field, value):
    # given a rep's own follow-up
    followup = make_followup(make_customer(org.ra1), org.ra1)
    value = followup.customer_id + 1000 if field == "customer" else value
    before = db_fingerprint()
    # when the rep sets who wrote it or approves it through an edit
    response = client_for(org.ra1).patch(url("followup-detail", followup.pk), {field: value}, format="json")
    # then it is refused and nothing changed
    assert response.status_code == 400
    assert db_fingerprint() == before


def test_a_rep_cannot_review_its_own_followup(org):
    followup = make_followup(make_customer(org.ra1), org.ra1)
    before = db_fingerprint()
    response = client_for(org.ra1).post(url("followup-review", followup.pk), {"decision": "approve"}, format="json")
    assert response.status_code == 403
    assert db_fingerprint() == before


def test_audit_entries_cannot_be_changed_through_the_api(org):
    customer = make_customer(org.ra1)
    before = db_fingerprint()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client_for(org.admin), method)(url("customer-history", customer.pk), {}, format="json")
        assert response.status_code == 405
    assert db_fingerprint() == before


def test_the_language_switch_changes_nothing_but_the_language(org):
    client = Client()
    client.force_login(org.ra1)
    client.post(reverse("language"), {"language": "en", "role": "admin", "team": org.team_b.pk, "is_staff": "on"})
    user = User.objects.get(pk=org.ra1.pk)
    assert (user.role, user.team_id, user.is_staff) == ("rep", org.team_a.pk, False)
