"""Every mutating request leaves exactly one audit entry carrying its request id (R-12.1, issue 7 point 4)."""
import datetime as dt

import pytest
from django.test import Client

from huike.accounts.models import Role
from huike.audit.models import AuditEntry
from huike.core.api_testing import client_for, url
from huike.customers.models import Customer
from huike.testing.factories import make_customer, make_order

PASSWORD = "pass-1234-word"
NEW = {"name": "上海汇通物流有限公司", "contact_name": "王建国", "phone": "13812345678"}


def _entries_of(response):
    return list(AuditEntry.objects.filter(request_id=response["X-Request-ID"]))


def test_every_response_carries_a_request_id(org, client):
    # when pages, the API and a missing page are asked for
    responses = [client.get("/login/"), client_for(org.ra1).get(url("me")), client.get("/no-such-page/")]
    # then each answer has its own 32-character id
    ids = [r["X-Request-ID"] for r in responses]
    assert [len(i) for i in ids] == [32, 32, 32]
    assert len(set(ids)) == 3


def test_a_plain_incoming_request_id_is_kept_and_anything_else_replaced(client):
    kept = client.get("/login/", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    replaced = client.get("/login/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert kept["X-Request-ID"] == "lb-7f3a9c2e-0001"
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(replaced["X-Request-ID"]) == 32


def test_api_create_writes_one_entry_with_actor_diff_utc_time_and_request_id(org):
    # when a rep creates a customer through the API
    response = client_for(org.ra1).post(url("customer-list"), NEW, format="json", REMOTE_ADDR="10.1.2.3")
    # then exactly one entry names the actor, the object, the new values, the request and the address
    assert response.status_code == 201
    [entry] = _entries_of(response)
    customer = Customer.objects.get()
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id) == (
        org.ra1.pk, "create", "customers.customer", customer.pk)
    assert entry.changes["name"] == [None, "上海汇通物流有限公司"]
    assert entry.at.utcoffset() == dt.timedelta(0)
    assert entry.ip == "10.1.2.3"


def test_api_update_writes_one_entry_with_before_and_after(org):
    customer = make_customer(org.ra1, name="甲公司")
    response = client_for(org.ra1).patch(url("customer-detail", customer.pk), {"name": "乙公司"}, format="json")
    assert response.status_code == 200
    [entry] = _entries_of(response)
    assert (entry.action, entry.changes["name"]) == ("update", ["甲公司", "乙公司"])


def test_api_delete_writes_one_entry(org):
    order = make_order(make_customer(org.ra1), org.ra1)
    response = client_for(org.admin).delete(url("order-detail", order.pk))
    assert response.status_code == 204
    [entry] = _entries_of(response)
    assert (entry.action, entry.object_type, entry.object_id, entry.actor_id) == (
        "delete", "transactions.order", order.pk, org.admin.pk)


def test_page_form_post_writes_one_entry(org, client):
    client.force_login(org.ra1)
    response = client.post("/customers/new/", {**NEW, "kind": "enterprise", "stage": "potential", "intent": "medium"})
    assert response.status_code == 302
    [entry] = _entries_of(response)
    assert (entry.action, entry.object_type, entry.actor_id) == ("create", "customers.customer", org.ra1.pk)


def test_permission_change_is_one_entry_with_role_team_and_active(org):
    response = client_for(org.admin).patch(url("user-detail", org.ra2.pk),
                                           {"role": "manager", "team": org.team_b.pk, "is_active": False},
                                           format="json")
    assert response.status_code == 200
    [entry] = _entries_of(response)
    assert (entry.action, entry.object_id, entry.actor_id) == ("update", org.ra2.pk, org.admin.pk)
    assert {k: entry.changes[k] for k in ("role", "team", "is_active")} == {
        "role": [Role.REP, Role.MANAGER], "team": [org.team_a.pk, org.team_b.pk], "is_active": [True, False]}


def test_login_and_logout_are_recorded(org):
    client = Client()
    login = client.post("/login/", {"username": "ra1", "password": PASSWORD})
    logout = client.post("/logout/")
    assert (login.status_code, logout.status_code) == (302, 302)
    [entry_in] = _entries_of(login)
    [entry_out] = _entries_of(logout)
    assert (entry_in.action, entry_in.actor_id, entry_in.changes) == ("login", org.ra1.pk, {"via": [None, "page"]})
    assert (entry_out.action, entry_out.actor_id) == ("logout", org.ra1.pk)


def test_token_login_is_recorded(org):
    response = client_for().post(url("auth-token"), {"username": "ra1", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    [entry] = _entries_of(response)
    assert (entry.action, entry.actor_id, entry.changes) == ("login", org.ra1.pk, {"via": [None, "token"]})


@pytest.mark.parametrize("username", ["ra1", "nobody"])
def test_failed_login_is_recorded_without_the_password(org, username):
    secret = "Wrong-Pass-93jd"
    response = Client().post("/login/", {"username": username, "password": secret})
    assert response.status_code == 200
    [entry] = _entries_of(response)
    assert (entry.action, entry.actor_id, entry.object_repr) == ("login_failed", None, username)
    assert secret not in str(entry.changes) and secret not in entry.object_repr


def test_report_export_is_recorded(org, client):
    client.force_login(org.ma)
    response = client.get("/reports/distribution/?export=csv")
    assert response.status_code == 200
    [entry] = _entries_of(response)
    assert (entry.action, entry.actor_id, entry.changes["report"]) == ("export", org.ma.pk, [None, "distribution"])


def test_a_refused_write_records_no_business_entry(org):
    customer = make_customer(org.ra1, name="甲公司")
    before = AuditEntry.objects.count()
    response = client_for(org.ra1).delete(url("customer-detail", customer.pk))
    assert response.status_code == 403
    assert AuditEntry.objects.count() == before


def test_a_write_no_service_recorded_still_gets_one_entry(org, client):
    # given a request that changes a domain row without a service recording it (the safety net):
    # the language switch stores the user's choice and records nothing itself
    client.force_login(org.ra1)
    response = client.post("/language/", {"language": "en", "next": "/"})
    # then the middleware records one generic entry naming the request and the table
    assert response.status_code == 302
    [entry] = _entries_of(response)
    assert (entry.action, entry.object_type, entry.object_repr, entry.actor_id) == (
        "write", "request", "POST /language/", org.ra1.pk)
    assert entry.changes == {"tables": [None, ["accounts_user"]]}


@pytest.mark.parametrize("route, body, object_type", [
    ("followup-list", {"method": "phone", "occurred_at": "2026-01-05T10:00:00+08:00", "content": "电话沟通"},
     "followups.followup"),
    ("complaint-list", {"urgency": "general", "channel": "phone", "description": "发货延迟"}, "service.complaint"),
    ("order-list", {"date": "2026-01-05", "amount": "1000.00", "product": "标准版"}, "transactions.order"),
    ("contract-list", {"start_date": "2026-01-05", "end_date": "2027-01-04", "amount": "50000.00"},
     "transactions.contract"),
])
def test_each_kind_of_record_created_through_the_api_is_one_entry(org, route, body, object_type):
    customer = make_customer(org.ra1)
    response = client_for(org.ra1).post(url(route), {**body, "customer": customer.pk}, format="json")
    assert response.status_code == 201, response.content
    [entry] = _entries_of(response)
    assert (entry.action, entry.object_type, entry.object_id, entry.actor_id, entry.customer_id) == (
        "create", object_type, response.json()["id"], org.ra1.pk, customer.pk)
