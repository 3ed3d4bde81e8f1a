"""Report pages: every report for each role, the links behind the numbers, exports, bad filters, queries."""
import csv
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from huike.audit.models import AuditEntry
from huike.reports.filters import parse_filters
from huike.reports.web import sections, sections_activity
from huike.service.models import Complaint

from .conftest import PERIOD

pytestmark = pytest.mark.django_db
NAMES = ["distribution", "sales", "growth", "funnel", "followups", "health", "service"]


def client_for(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["admin", "ma", "ra1"])
def test_every_report_page_renders_a_chart_and_its_table_for_each_role(book, role):
    client = client_for(getattr(book.org, role))
    assert client.get("/reports/").status_code == 200
    for name in NAMES:
        response = client.get(f"/reports/{name}/", PERIOD)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert 'id="report-charts"' in html and "report-table" in html and 'data-png="' in html
        assert "vendor/echarts/echarts.min.js" in html and "js/reports.js" in html


def test_report_numbers_match_the_page_per_role(book):
    org = book.org
    page = client_for(org.ma).get("/reports/sales/", PERIOD)
    owner_rows = page.context["sections"][0].rows
    assert [(r["label"], r["amount"], r["orders"]) for r in owner_rows] == [("李销售", "3500.50", 3)]
    page = client_for(org.ra2).get("/reports/service/", PERIOD)
    assert [r["count"] for r in page.context["sections"][0].rows] == [0, 1, 0]


def test_anonymous_visitors_are_sent_to_the_login_page(db):
    client = Client()
    for path in ["/reports/", *[f"/reports/{n}/" for n in NAMES], "/reports/sales/?export=csv"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert AuditEntry.objects.filter(action="export").count() == 0


def test_unknown_report_is_404_and_bad_filters_are_400_on_the_page(book):
    client = client_for(book.org.admin)
    assert client.get("/reports/payroll/").status_code == 404
    response = client.get("/reports/sales/", {"period_start": "2026-02-30", "owner": "x"})
    assert response.status_code == 400
    assert set(response.context["errors"]) == {"period_start", "owner"}
    assert client.get("/reports/sales/", {"period_start": "x", "export": "csv"}).status_code == 400
    assert AuditEntry.objects.filter(action="export").count() == 0


def _list_count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_every_number_links_to_the_customers_behind_it(book):
    org = book.org
    client = client_for(org.admin)
    f = parse_filters(PERIOD)
    checks = []
    for builder in (sections.sales, sections.growth, sections.funnel, sections_activity.followups,
                    sections_activity.health, sections_activity.service):
        for section in builder(org.admin, f):
            for row in [*section.rows, *([section.total] if section.total else [])]:
                for column in section.columns[1:]:
                    assert row.get("_links", {}).get(column.key) or column.key not in row or \
                        (section.id.startswith("sales") and column.key == "customers" and row is section.total), \
                        (section.id, column.key)
            checks.append(section)
    by_id = {s.id: s for s in checks}
    # customers counted by a number are exactly the customers listed behind it
    funnel = {r["stage"]: r for r in by_id["funnel"].rows}
    assert [_list_count(client, funnel[s]["_links"]["count"]) for s in ("potential", "intent", "closed", "lost")] \
        == [5, 4, 2, 1]
    sales_owner = by_id["sales-owner"].rows[0]
    assert _list_count(client, sales_owner["_links"]["customers"]) == sales_owner["customers"] == 1
    assert _list_count(client, sales_owner["_links"]["orders"]) == 2  # c1 and c2 ordered in the period
    followups = by_id["followups"].total
    assert _list_count(client, followups["_links"]["overdue"]) == followups["overdue"] == 2
    assert _list_count(client, followups["_links"]["responded"]) == 4
    assert _list_count(client, followups["_links"]["high_intent_closed"]) == 2
    health = by_id["health"].total
    assert [_list_count(client, health["_links"][k]) for k in ("base", "churned", "high_value", "high_value_lost")] \
        == [6, 2, 4, 2]
    assert [_list_count(client, r["_links"]["count"]) for r in by_id["health-reasons"].rows] == [1, 1]
    assert [_list_count(client, r["_links"]["count"]) for r in by_id["service-urgency"].rows] == [1, 1, 1]
    assert [_list_count(client, r["_links"]["count"]) for r in by_id["growth-sources"].rows] == [3, 2]
    assert [_list_count(client, r["_links"]["count"]) for r in by_id["growth-months"].rows] == [1, 1, 1, 1, 1]
    dist = sections.distribution(org.admin, f, by="industry")[0]
    assert [_list_count(client, r["_links"]["count"]) for r in dist.rows] == [2, 2, 1]  # "not set" too


def test_csv_export_obeys_scope_neutralises_cells_and_is_audited(book):
    org = book.org
    Complaint.objects.filter(customer=book.c3).update(cause="=HYPERLINK(\"http://x\")")
    response = client_for(org.ma).get("/reports/service/", {**PERIOD, "export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="huike-service-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Complaints by urgency and deadline compliance"]
    assert rows[1][:2] == ["Urgency", "Complaints"]
    assert [r[1] for r in rows[2:6]] == ["1", "1", "0", "2"]  # critical (c1), urgent (c3), general, total
    causes = rows[rows.index(["Complaints by cause"]) + 2:]
    assert ["'=HYPERLINK(\"http://x\")", "1"] in causes and ["delivery", "1"] in causes  # c5's is team B
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == org.ma
    assert entry.changes["report"] == [None, "service"] and entry.changes["format"] == [None, "csv"]
    assert entry.changes["filters"] == [None, PERIOD]


def test_xlsx_export_has_a_sheet_per_table_with_numbers_and_the_callers_rows(book):
    org = book.org
    response = client_for(org.ra1).get("/reports/sales/", {**PERIOD, "export": "xlsx"})
    assert response.status_code == 200
    book_ = load_workbook(io.BytesIO(response.content))
    assert book_.sheetnames == ["Sales by owner", "Sales by month"]
    sheet = book_["Sales by owner"]
    assert [c.value for c in sheet[1]] == ["Owner", "Amount", "Orders", "Closed customers"]
    assert [c.value for c in sheet[2]] == ["李销售", 3500.5, 3, 1]
    assert sheet.max_row == 3  # ra1's row and the total; nobody else's
    assert AuditEntry.objects.filter(action="export", actor=org.ra1).count() == 1


def test_report_pages_use_a_bounded_number_of_queries(book):
    client = client_for(book.org.admin)
    # service: complaints (2 queries) and satisfaction (a grouping each by score, owner, team, cause, customer,
    # one total, and the names of owners, teams and customers)
    bounds = {"distribution": 12, "sales": 14, "growth": 12, "funnel": 12, "followups": 14, "health": 14,
              "service": 20}
    for name, bound in bounds.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/reports/{name}/", PERIOD).status_code == 200
        assert len(ctx.captured_queries) <= bound, (name, len(ctx.captured_queries))
