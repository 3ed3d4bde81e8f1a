"""Classification pages through Django's test client: the overview, runs, transitions and the customer panel."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.urls import reverse

from huike.classification.models import Change, Run, RunKind
from huike.classification.services import run_create, run_execute
from huike.customers.models import Customer
from huike.testing.factories import make_customer, make_order

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2026, 9, 1)   # no orders yet: everyone is unclassified, normal, low
AFTER = dt.date(2026, 11, 1)   # after the October orders


def order(customer, amount, day=dt.date(2026, 10, 1)):
    return make_order(customer, customer.owner, date=day, amount=Decimal(amount))


def run(actor, as_of) -> Run:
    return run_execute(run_create(actor=actor, as_of=as_of).pk)


@pytest.fixture
def book(org):
    """ra1: a 600k customer and a prospect; rb1 (team B): a 300k customer."""
    big = make_customer(org.ra1, name="战略甲有限公司")
    order(big, "600000")
    prospect = make_customer(org.ra1, name="潜在乙有限公司")
    other = make_customer(org.rb1, name="别组丙有限公司")
    order(other, "300000")
    return {"big": big, "prospect": prospect, "other": other}


def test_anonymous_visitors_are_sent_to_login(client):
    # when an anonymous visitor opens each classification page
    for name in ("overview", "approvals", "rules", "strategies"):
        response = client.get(reverse(f"classification:{name}"))
        # then they are redirected to the login page
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_rep_overview_counts_only_their_own_customers_and_offers_no_run(client, org, book):
    # given a run over both teams
    run(org.admin, AFTER)
    client.force_login(org.ra1)
    # when rep ra1 opens the overview in English
    html = client.get(reverse("classification:overview")).content.decode()
    # then every distribution counts their two customers, never the other team's, and there is no run form
    assert html.count("2 customers") == 3
    assert "3 customers" not in html
    assert 'id="run-form"' not in html and 'id="runs-table"' not in html
    assert 'data-chart="value_tier"' in html and 'id="classification-charts"' in html
    assert "/customers/?relationship_type=potential" in html


def test_manager_overview_shows_the_run_form_runs_revenue_share_and_segments(client, org, book):
    # given a run
    r = run(org.admin, AFTER)
    client.force_login(org.ma)
    # when manager ma opens the overview
    response = client.get(reverse("classification:overview"))
    html = response.content.decode()
    # then the run form, the run and the team's revenue share (all in the high tier) show
    assert response.status_code == 200
    assert 'id="run-form"' in html and f'id="run-{r.pk}"' in html
    assert response.context["revenue"]["rows"][0]["key"] == "high"
    assert response.context["revenue"]["rows"][0]["pct"] == 100.0
    assert response.context["revenue"]["rows"][0]["expected"] == 80
    assert [(r["key"], r["pct"], r["expected"]) for r in response.context["revenue"]["rows"][1:]] == [
        ("medium", 0.0, 15), ("low", 0.0, 5)]
    assert len(response.context["segments"]) >= 1


def test_overview_runs_table_names_what_started_each_run_in_the_readers_language(client, org, book):
    # given a run started by a manager and a scheduled quarterly one
    manual = run(org.admin, BEFORE)
    quarterly = run(org.admin, AFTER)
    Run.objects.filter(pk=quarterly.pk).update(kind=RunKind.QUARTERLY)
    client.force_login(org.ma)

    def kinds(language):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = client.get(reverse("classification:overview")).content.decode()
        return [re.search(rf'id="run-{r.pk}".*?</td><td[^>]*>[^<]*</td><td>([^<]*)</td>', html, re.S).group(1)
                for r in (manual, quarterly)], html

    # when the manager reads the runs table in English, then in Chinese
    english, _html = kinds("en")
    chinese, html = kinds("zh-hans")
    # then each run says what started it, and the count column is a count
    assert english == ["Manual", "Quarterly"]
    assert chinese == ["手动", "每季度定时"]
    assert "<th>触发方式</th>" in html and '<th class="num">客户数</th>' in html


def test_manager_runs_the_classification_and_sees_it_done(client, org, book, django_capture_on_commit_callbacks):
    client.force_login(org.ma)
    # when manager ma starts a run through htmx (the worker runs it after commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("classification:run_start"), {"as_of": AFTER.isoformat()},
                               HTTP_HX_REQUEST="true")
    # then the run is queued by them, and its status no longer polls once done
    r = Run.objects.get()
    assert (r.requested_by_id, r.as_of) == (org.ma.pk, AFTER)
    assert response.status_code == 200 and 'id="run-status"' in response.content.decode()
    status = client.get(reverse("classification:run_status", args=[r.pk])).content.decode()
    assert 'data-status="done"' in status and "hx-trigger" not in status
    assert Customer.objects.get(pk=book["big"].pk).value_class == "strategic"


def test_a_queued_run_polls_every_two_seconds(client, org):
    # given a run that the worker has not started
    r = Run.objects.create(as_of=AFTER, requested_by=org.ma)
    client.force_login(org.ma)
    # when its status is asked for
    html = client.get(reverse("classification:run_status", args=[r.pk])).content.decode()
    # then it asks again in two seconds
    assert 'data-status="queued"' in html and 'hx-trigger="every 2s"' in html


def test_rep_cannot_start_a_run_or_read_its_status(client, org):
    r = Run.objects.create(as_of=AFTER, requested_by=org.ma)
    client.force_login(org.ra1)
    # when a rep posts a run and polls one
    started = client.post(reverse("classification:run_start"), {"as_of": AFTER.isoformat()})
    status = client.get(reverse("classification:run_status", args=[r.pk]))
    # then both are forbidden and no run is added
    assert (started.status_code, status.status_code) == (403, 403)
    assert Run.objects.count() == 1


@pytest.mark.parametrize("as_of, message", [
    ("2999-01-01", "A classification cannot be computed for a future date."),
    ("2026-13-40", "Enter a date as YYYY-MM-DD."),
])
def test_a_bad_run_date_is_refused_and_nothing_is_queued(client, org, as_of, message):
    client.force_login(org.ma)
    # when a manager asks for a run with a future or malformed date
    response = client.post(reverse("classification:run_start"), {"as_of": as_of}, HTTP_HX_REQUEST="true")
    # then the card (htmx swaps it in, so 200) shows why and no run exists
    assert response.status_code == 200 and 'id="run-error"' in response.content.decode()
    assert message in response.content.decode()
    assert Run.objects.count() == 0


def test_transitions_matrix_links_to_the_customers_behind_each_cell(client, org, book):
    # given a run before the orders and one after (the big customer moves unclassified → potential)
    run(org.admin, BEFORE)
    run(org.admin, AFTER)
    client.force_login(org.ma)
    params = {"dimension": "relationship_type", "start": "2026-10-01", "end": "2026-11-15"}
    # when manager ma asks for the transitions between October and mid-November
    response = client.get(reverse("classification:overview"), params)
    # then the matrix counts the team's one move, and its cell lists that customer
    matrix = response.context["transitions"]
    assert matrix["total"] == 1
    cell = next(c for row in matrix["matrix"] for c in row["cells"] if c["count"])
    listing = client.get(cell["url"]).content.decode()
    assert "战略甲有限公司" in listing and "别组丙有限公司" not in listing


def test_transitions_with_bad_dates_show_the_errors(client, org):
    client.force_login(org.ra1)
    # when the end is before the start, or a date is malformed
    before = client.get(reverse("classification:overview"),
                        {"start": "2026-10-01", "end": "2026-09-01"}).content.decode()
    garbled = client.get(reverse("classification:transition_customers"),
                         {"start": "yesterday", "end": "2026-09-01", "to": "strategic"})
    # then each page says what is wrong
    assert 'id="error-end"' in before and "The end date must be after the start date." in before
    assert garbled.status_code == 400 and "Enter a date as YYYY-MM-DD." in garbled.content.decode()


def test_overview_runs_the_same_number_of_queries_for_few_and_many_customers(client, org):
    def count():
        client.get(reverse("classification:overview"))  # warm session and caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("classification:overview")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(org.ma)
    for i in range(2):
        order(make_customer(org.ra1), f"{(i + 1) * 1000}")
    run(org.admin, AFTER)
    few = count()
    for i in range(10):
        order(make_customer(org.ra2), f"{(i + 5) * 1000}")
    run(org.admin, AFTER)
    # then the page costs as many queries for 12 customers and two runs as for 2 and one
    assert count() == few


def test_panel_shows_the_evidence_in_words(client, org, book):
    # given a run
    run(org.admin, AFTER)
    client.force_login(org.ra1)
    # when the rep opens the big customer in English
    html = client.get(reverse("customers:detail", args=[book["big"].pk])).content.decode()
    # then the panel shows the classes, the sentence behind them and every rule with its checks
    assert 'id="classification-panel"' in html
    assert "Strategic customer" in html and "Potential to develop" in html
    assert "12-month amount ¥600,000 within ¥200,000 – ¥1,000,000" in html
    assert html.count('class="cls-mark"') >= 15 and "✓" in html and "✗" in html
    assert 'id="cls-as-of">2026-11-01<' in html
    assert 'id="reclassify"' not in html


def test_panel_before_any_run_says_not_classified(client, org, book):
    client.force_login(org.ra1)
    html = client.get(reverse("customers:detail", args=[book["prospect"].pk])).content.decode()
    assert 'id="classification-empty"' in html


def test_panel_marks_a_value_class_waiting_for_approval(client, org, book):
    # given a first run before the orders (normal) and one after (strategic waits for approval)
    run(org.admin, BEFORE)
    run(org.admin, AFTER)
    client.force_login(org.ma)
    # when the manager opens the customer
    html = client.get(reverse("customers:detail", args=[book["big"].pk])).content.decode()
    # then the class in force is normal and the strategic class waits
    assert 'id="cls-pending"' in html and "Strategic customer: waiting for approval" in html
    assert 'id="reclassify"' in html


def test_panel_lists_the_customers_classification_history_newest_first(client, org, book):
    from huike.classification.selectors import customer_history

    # given a first run before the orders and one after them (the strategic class waits for approval)
    run(org.admin, BEFORE)
    run(org.admin, AFTER)
    client.force_login(org.ma)
    # when the manager opens the customer, in English then in Chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("customers:detail", args=[book["big"].pk]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(reverse("customers:detail", args=[book["big"].pk]))
    # then the history holds both runs' moves, the later first, its value class waiting
    assert [(h["as_of"], [(m["dimension"], m["from"], m["to"], m["status"]) for m in h["moves"]])
            for h in customer_history(customer=book["big"])] == [
        (AFTER, [("value_tier", "low", "high", "applied"), ("value_class", "normal", "strategic", "pending"),
                 ("relationship_type", "unclassified", "potential", "applied")]),
        (BEFORE, [("value_tier", "", "low", "applied"), ("value_class", "", "normal", "applied"),
                  ("relationship_type", "", "unclassified", "applied")]),
    ]
    # and each move says why from that run's own evidence (the first run's: no orders yet)
    with translation.override("en"):
        why = [[m["why"] for m in h["moves"]] for h in customer_history(customer=book["big"])]
    assert why == [
        ["6-month amount ¥600,000, ranked against every customer (top 20% high, next 50% medium)",
         "12-month amount ¥600,000: strategic ≥ ¥500,000, key ≥ ¥100,000",
         "12-month amount ¥600,000 within ¥200,000 – ¥1,000,000; orders in the last 6 months 1 vs 0 before "
         "(growth ≥ 30%)"],
        ["6-month amount ¥0, ranked against every customer (top 20% high, next 50% medium)",
         "12-month amount ¥0: strategic ≥ ¥500,000, key ≥ ¥100,000", "No cooperation record yet."],
    ]
    # the reasons of one summary are joined in the reader's language
    with translation.override("zh-hans"):
        chinese_why = customer_history(customer=book["big"])[0]["moves"][2]["why"]
    assert chinese_why.count("；") == 1 and "; " not in chinese_why
    html = english.content.decode()
    assert 'id="cls-history"' in html
    assert html.index("2026-11-01") < html.index("2026-09-01")
    assert "Waiting for approval" in html and "not classified" in html
    assert "分类变更记录" in chinese.content.decode() and "待审批" in chinese.content.decode()
    assert 'class="cls-move-why">12-month amount ¥600,000: strategic ≥ ¥500,000' in html
    assert "尚无合作记录" in chinese.content.decode()


def test_manager_reclassifies_a_team_customer(client, org, book):
    client.force_login(org.ma)
    # when the manager reclassifies ra1's customer (never classified before)
    response = client.post(reverse("classification:reclassify", args=[book["big"].pk]))
    # then it is classified at once and the page returns to the panel
    assert response.status_code == 302 and response["Location"].endswith("#classification-panel")
    assert Customer.objects.get(pk=book["big"].pk).value_class == "strategic"


def test_rep_reclassify_is_forbidden_and_changes_nothing(client, org, book):
    client.force_login(org.ra1)
    response = client.post(reverse("classification:reclassify", args=[book["big"].pk]))
    assert response.status_code == 403
    assert Customer.objects.get(pk=book["big"].pk).value_class == ""
    assert Change.objects.count() == 0


def test_reclassify_outside_the_scope_is_not_found(client, org, book):
    # when manager mb (team B) posts for team A's customer, and ra2 for ra1's
    client.force_login(org.mb)
    other_team = client.post(reverse("classification:reclassify", args=[book["big"].pk]))
    client.force_login(org.ra2)
    other_rep = client.post(reverse("classification:reclassify", args=[book["big"].pk]))
    # then both read as missing and nothing is classified
    assert (other_team.status_code, other_rep.status_code) == (404, 404)
    assert Customer.objects.get(pk=book["big"].pk).value_class == ""


def test_reclassify_by_get_is_not_allowed(client, org, book):
    client.force_login(org.ma)
    assert client.get(reverse("classification:reclassify", args=[book["big"].pk])).status_code == 405
