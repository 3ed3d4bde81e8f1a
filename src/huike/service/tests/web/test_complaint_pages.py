"""Complaint pages (R-8.1): scope by role, registration with deadlines, status moves, the closing rule."""
from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from huike.service.models import Complaint
from huike.testing.factories import make_complaint, make_customer

VISIBLE = {
    "ra1": {"ra1": True, "ra2": False, "rb1": False},
    "ma": {"ra1": True, "ra2": True, "rb1": False},
    "admin": {"ra1": True, "ra2": True, "rb1": True},
}
CASES = [(who, owner, seen) for who, row in VISIBLE.items() for owner, seen in row.items()]


@pytest.fixture
def desk(org):
    """One customer with one general complaint for each of ra1, ra2 (team A) and rb1 (team B)."""
    out = {}
    for name in ("ra1", "ra2", "rb1"):
        owner = getattr(org, name)
        customer = make_customer(owner, name=f"{name}投诉客户有限公司")
        out[name] = (customer, make_complaint(customer, owner, description=f"{name}的投诉"))
    return out


def state():
    return sorted(Complaint.objects.values_list(
        "id", "customer_id", "urgency", "status", "description", "resolution", "cause", "closed_at"))


def register_post(for_customer, **over):
    return {"customer": for_customer.pk, "urgency": "critical", "channel": "email",
            "received_at": "2025-03-01T09:30", "description": "  发票开错  ", "cause": "财务", "negative": "on", **over}


def test_paths_are_the_published_ones():
    # given the URL names other pages link to / then they give the documented paths
    assert reverse("service:list") == "/complaints/"
    assert reverse("service:create") == "/complaints/new/"
    assert reverse("service:detail", args=[5]) == "/complaints/5/"
    assert reverse("service:edit", args=[5]) == "/complaints/5/edit/"


def test_anonymous_is_sent_to_login(client, desk):
    # given no session / when each page is asked for / then a redirect to the login page
    pk = desk["ra1"][1].pk
    login_url = resolve_url(settings.LOGIN_URL)
    for url in (reverse("service:list"), reverse("service:create"), reverse("service:detail", args=[pk]),
                reverse("service:edit", args=[pk])):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, f"{login_url}?next={url}")


@pytest.mark.parametrize("who", ["ra1", "ma", "admin"])
def test_list_shows_exactly_the_scoped_complaints(client, org, desk, who):
    # given a user / when the complaint list is opened
    client.force_login(getattr(org, who))
    response = client.get(reverse("service:list"))
    # then it holds the complaints of the customers in their scope
    expected = sorted(owner for owner, seen in VISIBLE[who].items() if seen)
    assert sorted(c.customer.owner.username for c in response.context["rows"]) == expected


@pytest.mark.parametrize("who,owner,seen", CASES)
def test_detail_and_edit_404_outside_scope(client, org, desk, who, owner, seen):
    # given a user and another owner's complaint
    client.force_login(getattr(org, who))
    pk = desk[owner][1].pk
    before = state()
    # when its pages are opened and a status move is posted
    codes = [client.get(reverse("service:detail", args=[pk])).status_code,
             client.get(reverse("service:edit", args=[pk])).status_code]
    moved = client.post(reverse("service:detail", args=[pk]), {"status": "responded"})
    # then inside the scope the pages open and the move is saved; outside all are 404 and nothing changed
    if seen:
        assert (codes, moved.status_code) == ([200, 200], 302)
        assert Complaint.objects.get(pk=pk).status == "responded"
    else:
        assert (codes, moved.status_code) == ([404, 404], 404)
        assert state() == before


@pytest.mark.parametrize("who,owner,seen", CASES)
def test_register_for_a_customer_outside_scope_is_404(client, org, desk, who, owner, seen):
    # given a user and another owner's customer
    client.force_login(getattr(org, who))
    customer = desk[owner][0]
    before = state()
    # when the form is opened with ?customer= and a complaint is posted for that customer
    opened = client.get(reverse("service:create"), {"customer": customer.pk})
    posted = client.post(reverse("service:create"), register_post(customer))
    # then inside the scope it is registered; outside both are 404 and nothing is stored
    if seen:
        assert (opened.status_code, posted.status_code) == (200, 302)
        assert Complaint.objects.filter(customer=customer).count() == 2
    else:
        assert (opened.status_code, posted.status_code) == (404, 404)
        assert state() == before


def test_registration_computes_deadlines_from_urgency(client, org, desk):
    # given ra1 / when a critical complaint received at 09:30 Beijing time is registered
    client.force_login(org.ra1)
    customer = desk["ra1"][0]
    response = client.post(reverse("service:create"), register_post(customer))
    # then it is stored with the default deadlines (2 h, 24 h) and the detail page shows them
    complaint = Complaint.objects.get(customer=customer, urgency="critical")
    assert response.url == reverse("service:detail", args=[complaint.pk])
    received = timezone.make_aware(dt.datetime(2025, 3, 1, 9, 30))
    assert (complaint.received_at, complaint.channel, complaint.description, complaint.cause) == (
        received, "email", "发票开错", "财务")
    assert (complaint.response_due_at, complaint.resolve_due_at) == (
        received + dt.timedelta(hours=2), received + dt.timedelta(hours=24))
    assert complaint.registered_by == org.ra1
    body = client.get(response.url).content.decode()
    assert "2025-03-01 11:30" in body and "2025-03-02 09:30" in body


def test_received_time_defaults_to_now(client, org, desk):
    # given ra1 / when the registration form is opened for their customer
    client.force_login(org.ra1)
    response = client.get(reverse("service:create"), {"customer": desk["ra1"][0].pk})
    # then the received time starts at the current minute
    initial = response.context["form"]["received_at"].value()
    initial = timezone.make_aware(initial) if timezone.is_naive(initial) else initial
    assert abs((timezone.localtime() - initial).total_seconds()) < 120


@pytest.mark.parametrize("over,errors", [
    ({"description": " "}, {"description": ["This field is required."]}),
    ({"received_at": "2999-01-01T00:00"}, {"received_at": ["The received time cannot be in the future."]}),
    ({"urgency": "extreme"}, {"urgency": ["Select a valid choice. extreme is not one of the available choices."]}),
    ({"customer": ""}, {"customer": ["Choose a customer."]}),
])
def test_bad_registration_names_the_field_and_stores_nothing(client, org, desk, over, errors):
    # given ra1 and the stored complaints
    client.force_login(org.ra1)
    before = state()
    # when a complaint with one bad field is posted
    response = client.post(reverse("service:create"), register_post(desk["ra1"][0], **over))
    # then that field carries the message and nothing was stored
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert state() == before


def test_closing_without_resolution_shows_the_service_error(client, org, desk):
    # given ra1's open complaint
    client.force_login(org.ra1)
    complaint = desk["ra1"][1]
    before = state()
    # when it is closed without a resolution
    response = client.post(reverse("service:detail", args=[complaint.pk]), {"status": "closed", "resolution": ""})
    # then the resolution error is shown and nothing changed
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "resolution": ["A complaint is closed only with a recorded outcome (resolution)."]}
    assert state() == before


def test_status_moves_through_to_closed_with_a_resolution(client, org, desk):
    # given ra1's open complaint
    client.force_login(org.ra1)
    complaint = desk["ra1"][1]
    url = reverse("service:detail", args=[complaint.pk])
    # when it moves responded → resolved → closed with a resolution
    for status in ("responded", "resolved"):
        assert client.post(url, {"status": status}).status_code == 302
    closed = client.post(url, {"status": "closed", "resolution": "已重新开票", "cause": "财务"})
    # then it is closed with its outcome and the response and closing times are stamped
    assert closed.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolution, complaint.cause) == ("closed", "已重新开票", "财务")
    assert complaint.responded_at is not None and complaint.closed_at is not None


def test_detail_offers_the_next_status(client, org, desk):
    # given ra1's open complaint / when its detail opens / then "responded" is preselected
    client.force_login(org.ra1)
    response = client.get(reverse("service:detail", args=[desk["ra1"][1].pk]))
    assert response.context["form"]["status"].value() == "responded"


def test_edit_changes_urgency_and_recomputes_deadlines(client, org, desk):
    # given ra1's general complaint
    client.force_login(org.ra1)
    complaint = desk["ra1"][1]
    received = timezone.localtime(complaint.received_at).replace(second=0, microsecond=0)
    # when it is edited to urgent
    response = client.post(reverse("service:edit", args=[complaint.pk]), {
        "urgency": "urgent", "channel": "phone", "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "description": "发货延迟三天", "cause": "物流", "resolution": ""})
    # then the deadlines follow the urgent defaults (8 h, 72 h)
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.urgency, complaint.description, complaint.negative) == ("urgent", "发货延迟三天", False)
    assert (complaint.response_due_at, complaint.resolve_due_at) == (
        received + dt.timedelta(hours=8), received + dt.timedelta(hours=72))


def test_filters_and_overdue_highlight(client, org, desk):
    # given ra1 with an old critical complaint whose deadlines have passed
    client.force_login(org.ra1)
    customer = desk["ra1"][0]
    old = make_complaint(customer, org.ra1, urgency="critical", received_at=timezone.now() - dt.timedelta(days=2))
    # when the list is filtered by urgency, then by status
    critical = client.get(reverse("service:list"), {"urgency": "critical"})
    responded = client.get(reverse("service:list"), {"status": "responded"})
    # then the filters apply and the overdue row is highlighted
    assert [c.pk for c in critical.context["rows"]] == [old.pk]
    assert list(responded.context["rows"]) == []
    assert "table-danger" in critical.content.decode()
    assert "table-danger" not in client.get(reverse("service:list"), {"urgency": "general"}).content.decode()


@pytest.mark.parametrize("who,owner,expected", [
    ("ra1", "ra1", 403), ("ma", "ra2", 302), ("ma", "rb1", 404), ("admin", "rb1", 302),
])
def test_delete_by_role_and_scope(client, org, desk, who, owner, expected):
    # given a user and a complaint
    client.force_login(getattr(org, who))
    pk = desk[owner][1].pk
    # when it is deleted / then reps are refused, managers and admins delete in scope
    response = client.post(reverse("service:delete", args=[pk]))
    assert response.status_code == expected
    assert Complaint.objects.filter(pk=pk).exists() is (expected != 302)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_list_does_not_grow_queries_with_rows(client, org, desk):
    # given the admin and the list's query count with the fixture's rows
    client.force_login(org.admin)
    url = reverse("service:list")
    small = _count_queries(client, url)
    # when ten more complaints exist on other customers
    for i in range(10):
        make_complaint(make_customer(org.rb1, name=f"投诉批量{i}"), org.rb1)
    # then the page takes the same number of queries
    assert _count_queries(client, url) == small
