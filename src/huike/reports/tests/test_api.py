"""The report API of API.md: exact shapes, the same numbers as the selectors, scope, bad filters."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def get(user, path, **params):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/v1/reports/{path}/", params)


def test_sales_api_by_owner_and_month(book):
    org = book.org
    response = get(org.admin, "sales", by="owner", **PERIOD)
    assert response.status_code == 200
    assert response.json() == [
        {"key": str(org.ra1.pk), "label": "李销售", "amount": "3500.50", "orders": 3, "customers": 1},
        {"key": str(org.rb1.pk), "label": "陈销售", "amount": "3000.00", "orders": 1, "customers": 1}]
    assert [r["key"] for r in get(org.ma, "sales", by="month", **PERIOD).json()] == ["2026-01", "2026-02", "2026-03"]
    assert get(org.ra2, "sales", by="owner", **PERIOD).json() == []


def test_funnel_api_rows(book):
    org = book.org
    assert get(org.admin, "funnel", **PERIOD).json() == [
        {"stage": "potential", "count": 5, "conversion_rate": 0.8, "avg_days": 6.0},
        {"stage": "intent", "count": 4, "conversion_rate": 0.5, "avg_days": 23.5},
        {"stage": "closed", "count": 2, "conversion_rate": None, "avg_days": None},
        {"stage": "lost", "count": 1, "conversion_rate": None, "avg_days": None}]
    assert [r["count"] for r in get(org.rb1, "funnel", **PERIOD).json()] == [1, 1, 1, 0]


def test_distribution_api_takes_the_same_filters(book):
    org = book.org
    assert get(org.admin, "distribution", by="source", **PERIOD, team=org.team_a.pk).json() == [
        {"key": "web", "count": 3}, {"key": "fair", "count": 1}]


def test_filters_outside_the_scope_return_nothing_not_an_error(book):
    org = book.org
    # a rep naming a colleague, a manager naming the other team: 200 and empty, as for an id that does not exist
    assert get(org.ra1, "sales", by="owner", owner=org.ra2.pk).json() == []
    assert get(org.ra1, "sales", by="owner", owner=987654).json() == []
    assert get(org.ma, "distribution", by="stage", team=org.team_b.pk).json() == []
    assert [r["count"] for r in get(org.ma, "funnel", team=org.team_b.pk).json()] == [0, 0, 0, 0]


@pytest.mark.parametrize("params,field", [
    ({"by": "owner", "period_start": "2026-13-01"}, "period_start"),
    ({"by": "owner", "period_end": "yesterday"}, "period_end"),
    ({"by": "owner", "period_start": "2026-06-01", "period_end": "2026-05-01"}, "period_end"),
    ({"by": "owner", "team": "A"}, "team"),
    ({"by": "owner", "owner": "-3"}, "owner"),
    ({"by": "week"}, "by"),
    ({}, "by"),
])
def test_malformed_filters_are_400_with_the_field_named(book, params, field):
    response = get(book.org.admin, "sales", **params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_anonymous_callers_get_401(db):
    client = APIClient()
    for path in ("distribution/?by=stage", "sales/?by=owner", "funnel/"):
        assert client.get(f"/api/v1/reports/{path}").status_code == 401


def test_report_api_query_counts_do_not_grow_with_the_rows(book):
    client = APIClient()
    client.force_authenticate(book.org.admin)
    # grouped queries only (sales: amounts, closed customers, owner names; funnel: one, over the facts)
    for path, bound in (("distribution/?by=industry", 1), ("sales/?by=owner", 3), ("sales/?by=month", 2),
                        ("funnel/", 1)):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/reports/{path}").status_code == 200
        assert len(ctx.captured_queries) == bound, (path, [q["sql"][:80] for q in ctx.captured_queries])
