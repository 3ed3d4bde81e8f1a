"""Satisfaction survey pages (回访, R-8.3): from a closed complaint and from the customer detail, scoped by role."""
import pytest

from huike.service.models import SatisfactionSurvey
from huike.service.services import complaint_update
from huike.testing.factories import make_complaint, make_customer

pytestmark = pytest.mark.django_db


def test_the_complaint_detail_offers_a_survey_once_it_is_closed_and_lists_answers(client, org):
    customer = make_customer(org.ra1)
    k = make_complaint(customer, org.ra1)
    client.force_login(org.ra1)
    html = client.get(f"/complaints/{k.pk}/").content.decode()
    assert 'id="surveys"' in html and 'id="new-survey"' not in html
    complaint_update(actor=org.ra1, complaint=k, data={"status": "closed", "resolution": "已补发"})
    html = client.get(f"/complaints/{k.pk}/").content.decode()
    assert f"/complaints/surveys/new/?customer={customer.pk}&amp;complaint={k.pk}" in html
    response = client.post("/complaints/surveys/new/", {"customer": customer.pk, "complaint": k.pk, "score": "5",
                                                     "nps": "10", "comment": "处理及时"})
    assert response.status_code == 302 and response["Location"] == f"/complaints/{k.pk}/"
    survey = SatisfactionSurvey.objects.get()
    assert (survey.complaint, survey.score, survey.nps, survey.comment, survey.owner) == (k, 5, 10, "处理及时", org.ra1)
    html = client.get(f"/complaints/{k.pk}/").content.decode()
    assert "5/5" in html and "处理及时" in html


def test_a_periodic_survey_from_the_customer_detail(client, org):
    customer = make_customer(org.ra2)
    client.force_login(org.ma)
    assert f"/complaints/surveys/new/?customer={customer.pk}" in client.get(f"/customers/{customer.pk}/").content.decode()
    form = client.get("/complaints/surveys/new/", {"customer": customer.pk})
    assert form.status_code == 200 and 'id="survey-form"' in form.content.decode()
    response = client.post("/complaints/surveys/new/", {"customer": customer.pk, "score": "3"})
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    assert list(SatisfactionSurvey.objects.values_list("score", "nps", "owner", "created_by")) == [
        (3, None, org.ra2.pk, org.ma.pk)]


def test_a_bad_answer_shows_the_form_again_and_writes_nothing(client, org):
    customer = make_customer(org.ra1)
    client.force_login(org.ra1)
    response = client.post("/complaints/surveys/new/", {"customer": customer.pk, "score": "3", "nps": "11"})
    assert response.status_code == 200
    assert "The recommendation score is a whole number from 0 to 10, or empty." in response.content.decode()
    response = client.post("/complaints/surveys/new/", {"customer": customer.pk})
    assert response.status_code == 200 and SatisfactionSurvey.objects.count() == 0


def test_another_reps_customer_or_complaint_is_not_found(client, org):
    theirs = make_customer(org.rb1)
    k = make_complaint(theirs, org.rb1)
    complaint_update(actor=org.rb1, complaint=k, data={"status": "closed", "resolution": "已处理"})
    client.force_login(org.ra1)
    assert client.get("/complaints/surveys/new/", {"customer": theirs.pk}).status_code == 404
    mine = make_customer(org.ra1)
    assert client.post("/complaints/surveys/new/", {"customer": theirs.pk, "score": "1"}).status_code == 404
    assert client.post("/complaints/surveys/new/", {"customer": mine.pk, "complaint": k.pk,
                                                 "score": "1"}).status_code == 404
    assert SatisfactionSurvey.objects.count() == 0
