import datetime as dt

import pytest
from django.utils import timezone

from huike.core.errors import FieldErrors
from huike.service.models import Complaint, ComplaintDeadline
from huike.service.services import complaint_update
from huike.testing.factories import make_complaint, make_customer


def test_deadlines_follow_the_urgency_table(org):
    received = timezone.now() - dt.timedelta(minutes=30)
    k = make_complaint(make_customer(org.ra1), org.ra1, urgency="critical", received_at=received)
    assert k.response_due_at == received + dt.timedelta(hours=2)
    assert k.resolve_due_at == received + dt.timedelta(hours=24)


def test_edited_deadline_rows_are_used(org):
    ComplaintDeadline.objects.filter(urgency="urgent").update(response_hours=4, resolve_hours=12)
    received = timezone.now()
    k = make_complaint(make_customer(org.ra1), org.ra1, urgency="urgent", received_at=received)
    assert (k.response_due_at - received, k.resolve_due_at - received) == (dt.timedelta(hours=4), dt.timedelta(hours=12))


def test_raising_urgency_recomputes_deadlines(org):
    k = make_complaint(make_customer(org.ra1), org.ra1, urgency="general")
    complaint_update(actor=org.ra1, complaint=k, data={"urgency": "critical"})
    k.refresh_from_db()
    assert k.response_due_at == k.received_at + dt.timedelta(hours=2)


def test_closing_needs_a_recorded_outcome(org):
    k = make_complaint(make_customer(org.ra1), org.ra1)
    with pytest.raises(FieldErrors) as e:
        complaint_update(actor=org.ra1, complaint=k, data={"status": "closed"})
    assert list(e.value.errors) == ["resolution"]
    k.refresh_from_db()
    assert (k.status, k.closed_at) == ("open", None)
    complaint_update(actor=org.ra1, complaint=k, data={"status": "closed", "resolution": "补发货物并致歉"})
    k.refresh_from_db()
    assert k.status == "closed"
    assert k.closed_at is not None and k.responded_at is not None


@pytest.mark.parametrize(
    "data, field",
    [
        ({"urgency": "apocalyptic"}, "urgency"),
        ({"channel": "pigeon"}, "channel"),
        ({"description": ""}, "description"),
        ({"received_at": "FUTURE"}, "received_at"),
    ],
)
def test_bad_complaints_are_refused(org, data, field):
    if data.get("received_at") == "FUTURE":
        data = {"received_at": timezone.now() + dt.timedelta(days=1)}
    with pytest.raises(FieldErrors) as e:
        make_complaint(make_customer(org.ra1), org.ra1, **data)
    assert field in e.value.errors
    assert Complaint.objects.count() == 0


def test_an_urgency_without_a_deadline_row_keeps_the_default(org):
    ComplaintDeadline.objects.filter(urgency="critical").delete()
    received = timezone.now()
    k = make_complaint(make_customer(org.ra1), org.ra1, urgency="critical", received_at=received)
    assert k.response_due_at == received + dt.timedelta(hours=2)
