"""Satisfaction surveys in a browser (R-8.3): recorded from a closed complaint on a phone, then read in the
service report's satisfaction charts (drawn, no console errors); screenshots in English and Chinese."""
import pytest

from huike.reports.tests.conftest import book  # noqa: F401  (the hand-built book fixture)
from huike.service.models import Complaint, SatisfactionSurvey

from .conftest import DESKTOP, PHONE, login, shot
from .test_reports import assert_charts_drawn, watch_errors

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_rep_records_a_survey_on_a_phone_and_the_manager_reads_it_in_the_service_report(new_page, book):  # noqa: F811
    complaint = Complaint.objects.get(customer=book.c1)  # closed, ra1's
    page = new_page(PHONE)
    errors = watch_errors(page)
    login(page, "ra1")
    page.goto(f"/complaints/{complaint.pk}/")
    page.click("#new-survey")
    page.wait_for_url("**/complaints/surveys/new/?*")
    page.click("label[for=id_score_1]")  # the second choice: 4 — satisfied
    page.fill("#id_nps", "9")
    page.fill("#id_comment", "处理及时，态度很好")
    shot(page, "phone-survey-form")
    page.click("#survey-form button[type=submit]")
    page.wait_for_url(f"**/complaints/{complaint.pk}/")
    assert page.locator("#surveys .survey").count() == 1
    assert list(SatisfactionSurvey.objects.values_list("score", "nps", "owner")) == [(4, 9, book.org.ra1.pk)]
    assert errors == []

    page = new_page(DESKTOP)
    errors = watch_errors(page)
    login(page, "ma")
    page.goto("/reports/service/")  # the last twelve months: today's survey is in
    assert assert_charts_drawn(page) == 7  # 2 complaint charts + 5 satisfaction charts
    page.locator("#satisfaction-owner").scroll_into_view_if_needed()
    shot(page, "desktop-report-service-satisfaction")
    assert page.locator("#satisfaction-owner table tbody tr").first.locator("td").nth(2).inner_text() == "4.0"
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": page.url}])
    page.goto("/reports/service/")
    assert_charts_drawn(page)
    page.locator("#satisfaction-cause").scroll_into_view_if_needed()
    shot(page, "desktop-report-service-satisfaction-zh")
    assert errors == []
