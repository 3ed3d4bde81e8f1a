"""Satisfaction surveys in the service report (R-8.3), on the hand-built book, for each role; answers by hand."""
import pytest

from huike.customers.selectors import customer_list
from huike.reports import selectors
from huike.reports.filters import parse_filters
from huike.service import services
from huike.service.models import Complaint, SatisfactionSurvey

from .conftest import PERIOD, at

pytestmark = pytest.mark.django_db


def f(**extra):
    return parse_filters({**PERIOD, **extra})


def _survey(customer, actor, when, score, nps=None, complaint=None):
    s = services.survey_create(actor=actor, customer=customer, complaint=complaint,
                               data={"score": score, "nps": nps, "comment": ""})
    SatisfactionSurvey.objects.filter(pk=s.pk).update(created_at=when)
    return s


@pytest.fixture
def surveyed(book):
    """s1 c1 after its delivery complaint 5 (NPS 10); s2 c3 after its quality complaint 2 (NPS 3);
    s3 c5 periodic 4 (no NPS); s4 c1 periodic 3 (NPS 8); s5 c6 periodic 1 (NPS 0) before the period."""
    k1, k3 = (Complaint.objects.get(customer=c) for c in (book.c1, book.c3))
    org = book.org
    _survey(book.c1, org.ra1, at(2026, 2, 5), 5, 10, k1)
    _survey(book.c3, org.ra2, at(2026, 3, 8), 2, 3, k3)
    _survey(book.c5, org.rb1, at(2026, 5, 20), 4)
    _survey(book.c1, org.ra1, at(2026, 6, 1), 3, 8)
    _survey(book.c6, org.rb1, at(2025, 12, 20), 1, 0)
    return book


def rows(user, by, **extra):
    data = selectors.satisfaction(user=user, filters=f(**extra), by=by)
    return [(r["label"], r["surveys"], r["avg_score"], r["nps_answers"], r["promoters"], r["detractors"], r["nps"])
            for r in data["rows"]], data["total"]


def test_admin_sees_scores_per_owner_team_cause_and_customer(surveyed):
    admin = surveyed.org.admin
    owners, total = rows(admin, "owner")
    # ra1: 5 and 3 (NPS 10 promoter, 8 passive → 50); ra2: 2 (NPS 3 detractor → −100); rb1: 4, no NPS
    assert owners == [("周销售", 1, 2.0, 1, 0, 1, -100.0), ("李销售", 2, 4.0, 2, 1, 0, 50.0),
                      ("陈销售", 1, 4.0, 0, 0, 0, None)]
    assert total == {"surveys": 4, "avg_score": 3.5, "nps_answers": 3, "promoters": 1, "detractors": 1,
                     "nps": 0.0}
    assert rows(admin, "team")[0] == [("华东销售部", 3, 3.33, 3, 1, 1, 0.0), ("华南销售部", 1, 4.0, 0, 0, 0, None)]
    assert rows(admin, "cause")[0] == [("periodic", 2, 3.5, 1, 0, 0, 0.0), ("delivery", 1, 5.0, 1, 1, 0, 100.0),
                                       ("quality", 1, 2.0, 1, 0, 1, -100.0)]
    c1, c3, c5 = surveyed.c1, surveyed.c3, surveyed.c5
    assert [(r[0], r[1], r[2]) for r in rows(admin, "customer")[0]] == [
        (c3.name, 1, 2.0), (c1.name, 2, 4.0), (c5.name, 1, 4.0)]
    assert [(r[0], r[1]) for r in rows(admin, "score")[0]] == [("5", 1), ("4", 1), ("3", 1), ("2", 1)]


def test_each_role_counts_only_the_surveys_of_customers_it_sees(surveyed):
    org = surveyed.org
    assert rows(org.ma, "owner")[0] == [("周销售", 1, 2.0, 1, 0, 1, -100.0), ("李销售", 2, 4.0, 2, 1, 0, 50.0)]
    assert rows(org.ma, "owner")[1]["surveys"] == 3
    assert rows(org.mb, "team")[0] == [("华南销售部", 1, 4.0, 0, 0, 0, None)]
    assert rows(org.ra1, "cause")[0] == [("delivery", 1, 5.0, 1, 1, 0, 100.0), ("periodic", 1, 3.0, 1, 0, 0, 0.0)]
    assert rows(org.ra2, "owner")[1]["surveys"] == 1
    assert rows(org.rb1, "customer")[0] == [(surveyed.c5.name, 1, 4.0, 0, 0, 0, None)]
    # a team or owner outside the caller's scope selects nothing
    assert rows(org.ma, "owner", team=str(org.rb1.team_id))[1]["surveys"] == 0
    assert rows(org.ra1, "owner", owner=str(org.rb1.pk))[1]["surveys"] == 0


def test_filters_and_reassignment_use_the_owner_recorded_with_the_answer(surveyed):
    org = surveyed.org
    assert rows(org.admin, "owner", owner=str(org.ra1.pk))[1]["surveys"] == 2
    assert rows(org.admin, "owner", team=str(org.rb1.team_id))[0] == [("陈销售", 1, 4.0, 0, 0, 0, None)]
    # c1 moves to ra2: its two answers stay ra1's; ra1 no longer sees c1, ra2 now does
    type(surveyed.c1).objects.filter(pk=surveyed.c1.pk).update(owner=org.ra2)
    assert rows(org.admin, "owner")[0][1] == ("李销售", 2, 4.0, 2, 1, 0, 50.0)
    assert rows(org.ra1, "owner")[1]["surveys"] == 0
    assert rows(org.ra2, "owner")[1]["surveys"] == 3
    # without a period the survey before it counts too
    everything = selectors.satisfaction(user=org.admin, filters=parse_filters({}), by="score")
    assert everything["total"]["surveys"] == 5 and everything["rows"][-1]["key"] == "1"


def test_a_customer_in_the_recycle_bin_takes_its_answers_out_of_the_report_and_back_on_restore(surveyed):
    # given c3 (ra2's quality complaint, score 2) moved to the recycle bin
    org, c3 = surveyed.org, surveyed.c3
    type(c3).objects.filter(pk=c3.pk).update(deleted_at=at(2026, 7, 1))
    # when the admin and ra2's manager read the report, then c3's answer counts for neither
    assert rows(org.admin, "owner")[1]["surveys"] == 3
    assert rows(org.ma, "cause")[0] == [("delivery", 1, 5.0, 1, 1, 0, 100.0), ("periodic", 1, 3.0, 1, 0, 0, 0.0)]
    # and restored, it counts again
    type(c3).objects.filter(pk=c3.pk).update(deleted_at=None)
    assert rows(org.admin, "owner")[1]["surveys"] == 4


def test_links_behind_the_numbers_list_the_surveyed_customers(surveyed):
    org = surveyed.org
    base = {"surveyed_from": "2026-01-01", "surveyed_to": "2026-06-30"}

    def names(user, **extra):
        return sorted(c.name for c in customer_list(user=user, filters={**base, **extra}))
    c1, c3, c5 = surveyed.c1.name, surveyed.c3.name, surveyed.c5.name
    assert names(org.admin) == sorted([c1, c3, c5])
    assert names(org.admin, survey_owner=str(org.ra1.pk)) == [c1]
    assert names(org.admin, survey_team=str(org.rb1.team_id)) == [c5]
    assert names(org.admin, survey_periodic="1") == sorted([c1, c5])
    assert names(org.admin, survey_cause="quality") == [c3]
    assert names(org.admin, survey_score="2") == [c3]
    assert names(org.ra1) == [c1]


def test_the_service_page_shows_and_exports_the_satisfaction_block_of_the_callers_scope(surveyed):
    import csv
    import io

    from django.conf import settings
    from django.test import Client
    from openpyxl import load_workbook

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(surveyed.org.ma)
    html = client.get("/reports/service/", PERIOD).content.decode()
    for section in ("score", "owner", "team", "cause", "customer"):
        assert f'id="section-satisfaction-{section}"' in html or f"satisfaction-{section}" in html
    assert "Periodic visit (no complaint)" in html and "surveyed_from=2026-01-01" in html
    rows = list(csv.reader(io.StringIO(client.get("/reports/service/", {**PERIOD, "export": "csv"})
                                       .content.decode("utf-8-sig"))))
    owners = rows[rows.index(["Satisfaction by owner"]) + 1:]
    assert owners[:4] == [
        ["Owner", "Surveys", "Average score (1–5)", "NPS answers", "Promoters (9–10)", "Detractors (0–6)", "NPS"],
        ["周销售", "1", "2.0", "1", "0", "1", "-100.0"], ["李销售", "2", "4.0", "2", "1", "0", "50.0"],
        ["Total", "3", "3.33", "3", "1", "1", "0.0"]]
    book = load_workbook(io.BytesIO(client.get("/reports/service/", {**PERIOD, "export": "xlsx"}).content))
    sheet = book["Satisfaction by team"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["华东销售部", 3, 3.33, 3, 1, 1, 0], ["Total", 3, 3.33, 3, 1, 1, 0]]
