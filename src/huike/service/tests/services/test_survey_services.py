"""Satisfaction surveys (R-8.3): ranges, the closed-complaint rule, the owner/team kept with the answer."""
import pytest

from huike.audit.models import AuditEntry
from huike.core.errors import FieldErrors
from huike.service.models import SatisfactionSurvey
from huike.service.services import complaint_update, survey_create
from huike.testing.factories import make_complaint, make_customer

pytestmark = pytest.mark.django_db


def test_a_periodic_survey_keeps_the_owner_and_team_of_the_moment(org):
    customer = make_customer(org.ra1)
    survey = survey_create(actor=org.ma, customer=customer, data={"score": "4", "nps": 9, "comment": " 很满意 "})
    assert (survey.score, survey.nps, survey.comment) == (4, 9, "很满意")
    assert (survey.owner, survey.team, survey.created_by, survey.complaint) == (org.ra1, org.team_a, org.ma, None)
    entry = AuditEntry.objects.get(action="create", object_type="service.satisfactionsurvey")
    assert (entry.actor, entry.customer_id, entry.changes["score"]) == (org.ma, customer.pk, [None, 4])


def test_a_survey_after_a_closed_complaint_and_without_nps(org):
    customer = make_customer(org.ra2)
    k = make_complaint(customer, org.ra2)
    complaint_update(actor=org.ra2, complaint=k, data={"status": "closed", "resolution": "已补发"})
    survey = survey_create(actor=org.ra2, customer=customer, complaint=k, data={"score": 2, "nps": ""})
    assert (survey.complaint, survey.score, survey.nps, survey.owner, survey.team) == (k, 2, None, org.ra2, org.team_a)


@pytest.mark.parametrize("data, field", [
    ({"score": 0}, "score"), ({"score": 6}, "score"), ({"score": "很好"}, "score"), ({}, "score"),
    ({"score": True}, "score"), ({"score": 3, "nps": 11}, "nps"), ({"score": 3, "nps": -1}, "nps"),
    ({"score": 3, "comment": "长" * 2001}, "comment"), ({"score": 3, "owner": 1}, "owner"),
])
def test_bad_answers_name_the_field_and_write_nothing(org, data, field):
    customer = make_customer(org.ra1)
    with pytest.raises(FieldErrors) as exc:
        survey_create(actor=org.ra1, customer=customer, data=data)
    assert list(exc.value.errors) == [field]
    assert SatisfactionSurvey.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type="service.satisfactionsurvey").exists()


def test_an_open_complaint_or_another_customers_is_refused(org):
    mine, other = make_customer(org.ra1), make_customer(org.ra1)
    open_one = make_complaint(mine, org.ra1)
    with pytest.raises(FieldErrors) as exc:
        survey_create(actor=org.ra1, customer=mine, complaint=open_one, data={"score": 5})
    assert exc.value.errors == {"complaint": ["A complaint is surveyed after it is closed."]}
    complaint_update(actor=org.ra1, complaint=open_one, data={"status": "closed", "resolution": "已处理"})
    with pytest.raises(FieldErrors) as exc:
        survey_create(actor=org.ra1, customer=other, complaint=open_one, data={"score": 5})
    assert exc.value.errors == {"complaint": ["The complaint belongs to another customer."]}
    assert SatisfactionSurvey.objects.count() == 0
