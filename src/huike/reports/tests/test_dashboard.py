"""The dashboard per role: my / the team's / the company's customers, due follow-ups, sales this month, charts."""
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huike.testing.factories import make_order

pytestmark = pytest.mark.django_db


def dashboard(user):
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def test_sales_this_month_and_charts_per_role(book):
    org = book.org
    today = timezone.localdate()
    # given orders this month for c1 (ra1, team A) and c5 (rb1, team B), and one last month for c2 (ra1)
    make_order(book.c1, org.ra1, date=today, amount=Decimal("100.00"))
    make_order(book.c1, org.ra1, date=today, amount=Decimal("50.00"))
    make_order(book.c5, org.rb1, date=today, amount=Decimal("700.00"))
    make_order(book.c2, org.ra1, date=today.replace(day=1) - dt.timedelta(days=1), amount=Decimal("10.00"))
    # then each role sees its own scope
    # (nobody closed a customer this month: the closing moves of the book are in the first half of 2026)
    expected = {"ra1": ("150.00", 2, 0), "ra2": ("0.00", 0, 0), "ma": ("150.00", 2, 0), "admin": ("850.00", 3, 0)}
    for role, (amount, orders, customers) in expected.items():
        context = dashboard(getattr(org, role)).context
        month = context["sales_month"]
        assert (str(month["amount"]), month["orders"], month["customers"]) == (Decimal(amount).to_eng_string(),
                                                                               orders, customers), role
    admin = dashboard(org.admin)
    charts = json.loads(admin.content.decode().split('id="report-charts" type="application/json">')[1]
                        .split("</script>")[0])
    sales = charts[0]
    assert sales["type"] == "bar" and len(sales["categories"]) == 6
    assert sales["categories"][-1] == today.strftime("%Y-%m") and sales["series"][0]["data"][-1] == 850.0
    assert sales["series"][0]["data"][-2] == 10.0
    stages = dict(zip(charts[1]["categories"], charts[1]["series"][0]["data"]))
    assert sum(stages.values()) == 7  # every visible customer, c1..c7
    assert 'data-chart="dash-sales"' in admin.content.decode()
    rep_stages = json.loads(dashboard(org.ra2).content.decode().split('id="report-charts" type="application/json">')[1]
                            .split("</script>")[0])[1]
    assert sum(rep_stages["series"][0]["data"]) == 2  # c3, c4


def test_dashboard_query_count_is_bounded(book):
    client = Client()
    client.force_login(book.org.admin)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert len(ctx.captured_queries) <= 16
