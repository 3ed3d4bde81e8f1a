"""API: complaints (R-8.1) — deadlines from the urgency, read-only computed fields, bad input, query counts."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from huike.core.api_testing import client_for, db_fingerprint, list_queries, url
from huike.service.models import ComplaintDeadline
from huike.testing.factories import make_complaint, make_customer


def test_a_complaint_gets_its_deadlines_from_the_urgency(org):
    customer = make_customer(org.ra1)
    received = (timezone.now() - dt.timedelta(hours=1)).replace(microsecond=0)
    response = client_for(org.ra1).post(url("complaint-list"), {
        "customer": customer.pk, "urgency": "critical", "channel": "email", "description": "系统宕机",
        "received_at": received.isoformat()}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    hours = ComplaintDeadline.objects.get(urgency="critical")
    assert body["status"] == "open" and body["negative"] is True
    assert parse_datetime(body["response_due_at"]) > received
    assert parse_datetime(body["resolve_due_at"]) >= parse_datetime(body["response_due_at"])
    assert hours.response_hours <= hours.resolve_hours


def test_closing_needs_a_resolution_and_computed_fields_are_read_only(org):
    complaint = make_complaint(make_customer(org.ra1), org.ra1)
    rep = client_for(org.ra1)
    before = db_fingerprint()
    no_outcome = rep.patch(url("complaint-detail", complaint.pk), {"status": "closed"}, format="json")
    assert no_outcome.status_code == 400 and list(no_outcome.json()) == ["resolution"]
    for field in ("response_due_at", "resolve_due_at", "responded_at", "closed_at", "registered_by"):
        response = rep.patch(url("complaint-detail", complaint.pk), {field: "2024-01-01T00:00:00Z"}, format="json")
        assert response.json() == {field: ["This field is read-only."]}
    assert db_fingerprint() == before
    closed = rep.patch(url("complaint-detail", complaint.pk), {"status": "closed", "resolution": "已补发货物",
                                                               "cause": "物流"}, format="json")
    assert closed.status_code == 200
    assert closed.json()["closed_at"] is not None and closed.json()["responded_at"] is not None


def test_bad_complaint_input_names_the_field_and_stores_nothing(org):
    customer = make_customer(org.ra1)
    base = {"customer": customer.pk, "description": "投诉"}
    cases = [
        ({**base, "urgency": "meh"}, "urgency"),
        ({**base, "channel": "fax"}, "channel"),
        ({**base, "status": "forgotten"}, "status"),
        ({**base, "description": "d" * 5001}, "description"),
        ({**base, "cause": "c" * 101}, "cause"),
        ({**base, "received_at": "yesterday"}, "received_at"),
        ({**base, "received_at": (timezone.now() + dt.timedelta(days=1)).isoformat()}, "received_at"),
        ({**base, "negative": "sort of"}, "negative"),
        ({**base, "priority": 1}, "priority"),
        ({"description": "投诉"}, "customer"),
    ]
    before = db_fingerprint()
    for body, field in cases:
        response = client_for(org.ra1).post(url("complaint-list"), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    assert db_fingerprint() == before


def test_complaint_list_filters_and_takes_a_fixed_number_of_queries(org):
    customers = [make_customer(org.ra1), make_customer(org.ra2)]
    manager = client_for(org.ma)
    for i in range(3):
        make_complaint(customers[i % 2], org.ra1, urgency="urgent" if i == 0 else "general")
    few = list_queries(manager, url("complaint-list"))
    for i in range(27):
        make_complaint(customers[i % 2], org.ra1)
    many = list_queries(manager, url("complaint-list"))
    assert few == many == 2
    assert manager.get(url("complaint-list", urgency="urgent")).json()["count"] == 1
    assert manager.get(url("complaint-list", customer=customers[0].pk)).json()["count"] == 16
    assert client_for(org.rb1).get(url("complaint-list")).json()["count"] == 0
