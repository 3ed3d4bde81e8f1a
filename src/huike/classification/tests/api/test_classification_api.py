import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from huike.automation.models import Reminder
from huike.classification.models import Change, Run
from huike.classification.services import run_execute
from huike.testing.factories import make_customer, make_order


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_manager_queues_a_run_and_reads_it_back(org, django_capture_on_commit_callbacks):
    c = make_customer(org.ra1)
    make_order(c, org.ra1, date=dt.date(2026, 6, 1), amount=Decimal("600000.00"))
    # when the manager asks for a run, the worker executes it after commit
    with django_capture_on_commit_callbacks(execute=True):
        response = api(org.ma).post("/api/v1/classification/runs/", {"as_of": "2026-06-30"}, format="json")
    assert response.status_code == 201
    run_id = response.json()["id"]
    body = api(org.ma).get(f"/api/v1/classification/runs/{run_id}/").json()
    assert (body["status"], body["as_of"], body["counts"]["customers"]) == ("done", "2026-06-30", 1)
    assert body["counts"]["value_class"] == {"strategic": 1, "key": 0, "normal": 0}


@pytest.mark.parametrize(
    "payload, field",
    [({"as_of": "30/06/2026"}, "as_of"), ({"as_of": "2999-01-01"}, "as_of"), ({"colour": "red"}, "colour")],
)
def test_bad_run_requests_are_refused(org, payload, field):
    response = api(org.ma).post("/api/v1/classification/runs/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Run.objects.count() == 0


def test_reps_and_anonymous_cannot_run_or_read_runs(org):
    run = Run.objects.create(as_of=dt.date(2026, 6, 30))
    assert api(org.ra1).post("/api/v1/classification/runs/", {}, format="json").status_code == 403
    assert api(org.ra1).get(f"/api/v1/classification/runs/{run.pk}/").status_code == 403
    assert api().post("/api/v1/classification/runs/", {}, format="json").status_code == 401
    assert api(org.ma).get("/api/v1/classification/runs/999999/").status_code == 404
    assert Run.objects.count() == 1


def test_the_approval_queue_is_scoped_and_decides_in_bulk(org):
    a = make_customer(org.ra1)
    b = make_customer(org.rb1)
    changes = [Change.objects.create(customer=c, value_class_from="normal", value_class_to="key",
                                     as_of=dt.date(2026, 6, 30), status="pending") for c in (a, b)]
    assert [row["customer"] for row in api(org.ma).get("/api/v1/classification/approvals/").json()] == [a.pk]
    assert api(org.ra1).get("/api/v1/classification/approvals/").status_code == 403
    response = api(org.ma).post("/api/v1/classification/approvals/",
                                {"ids": [c.pk for c in changes], "approve": True}, format="json")
    assert response.json() == {"decided": 1}
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.value_class, b.value_class) == ("key", "")
    assert api(org.ma).post("/api/v1/classification/approvals/", {"ids": []}, format="json").status_code == 400


def test_the_customer_api_shows_the_evidence_in_words(org):
    c = make_customer(org.ra1)
    make_order(c, org.ra1, date=dt.date(2026, 6, 1), amount=Decimal("600000.00"))
    run_execute(Run.objects.create(as_of=dt.date(2026, 6, 30)).pk)
    body = api(org.ra1).get(f"/api/v1/customers/{c.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["value_class"], body["value_tier"]) == ("strategic", "high")
    words = body["classification"]
    assert words["value_class"]["value"] == "strategic"
    assert "¥600,000" in words["value_class"]["summary"]
    assert words["relationship_type"]["value"] == "potential"


def test_transitions_count_moves_between_two_dates(org):
    a, b = make_customer(org.ra1), make_customer(org.rb1)
    for c in (a, b):
        Change.objects.create(customer=c, relationship_type_from="potential", relationship_type_to="strategic",
                              as_of=dt.date(2026, 6, 30))
    params = {"dimension": "relationship_type", "start": "2026-04-01", "end": "2026-06-30"}
    assert api(org.admin).get("/api/v1/classification/transitions/", params).json() == [
        {"from": "potential", "to": "strategic", "count": 2}]
    assert api(org.ma).get("/api/v1/classification/transitions/", params).json() == [
        {"from": "potential", "to": "strategic", "count": 1}]
    bad = api(org.admin).get("/api/v1/classification/transitions/", {"start": "x", "end": "2026-01-01"})
    assert bad.status_code == 400 and "start" in bad.json()
    unknown = api(org.admin).get("/api/v1/classification/transitions/", {**params, "dimension": "value_class_to"})
    assert unknown.status_code == 400 and "dimension" in unknown.json()


def test_transitions_read_each_dimension_of_a_change_on_its_own(org):
    # given one change that moved the tier and computed a new value class still waiting for approval, and one
    # whose value class change was rejected
    a, b = make_customer(org.ra1), make_customer(org.ra1)
    Change.objects.create(customer=a, value_tier_from="low", value_tier_to="high", value_class_from="normal",
                          value_class_to="key", relationship_type_from="stable", relationship_type_to="stable",
                          as_of=dt.date(2026, 6, 30), status="pending")
    Change.objects.create(customer=b, value_tier_from="high", value_tier_to="high", value_class_from="key",
                          value_class_to="strategic", as_of=dt.date(2026, 6, 30), status="rejected")
    dates = {"start": "2026-04-01", "end": "2026-06-30"}

    def cells(dimension):
        return api(org.admin).get("/api/v1/classification/transitions/", {"dimension": dimension, **dates}).json()

    # when each dimension's transitions are read, then the tier moved once, and nothing else took effect
    assert cells("value_tier") == [{"from": "low", "to": "high", "count": 1}]
    assert cells("value_class") == []
    assert cells("relationship_type") == []
    # and once the waiting value class is approved, it counts
    Change.objects.filter(customer=a).update(status="applied")
    assert cells("value_class") == [{"from": "normal", "to": "key", "count": 1}]


def test_reminders_are_only_ever_the_callers(org):
    c = make_customer(org.ra1)
    due = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.timezone.utc)
    Reminder.objects.create(user=org.ra1, customer=c, title="电话跟进", due_at=due, source="manual", key="a")
    Reminder.objects.create(user=org.ra2, customer=c, title="别人的", due_at=due, source="manual", key="b")
    rows = api(org.ra1).get("/api/v1/reminders/").json()["results"]
    assert [r["title"] for r in rows] == ["电话跟进"]
    assert api(org.admin).get("/api/v1/reminders/").json()["results"] == []
    assert api(org.ra1).get("/api/v1/reminders/", {"due_before": "2026-11-30T00:00:00+08:00"}).json()["count"] == 0
    assert api(org.ra1).get("/api/v1/reminders/", {"due_before": "tomorrow"}).status_code == 400
