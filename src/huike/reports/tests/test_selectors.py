"""Every report on the hand-built book (conftest.py), for each role; the answers are worked out by hand."""
import pytest

from huike.reports import selectors
from huike.reports.filters import ReportFilters, parse_filters

from .conftest import PERIOD, at

pytestmark = pytest.mark.django_db


def f(**extra):
    return parse_filters({**PERIOD, **extra})


def by_key(rows):
    return {r["key"]: r for r in rows}


def test_distribution_counts_customers_created_in_the_period_per_role(book):
    org = book.org
    # c1..c5 are created in the period: it ×2 (c1, c2), retail ×2 (c3, c5), not set ×1 (c4)
    assert selectors.distribution(user=org.admin, by="industry", filters=f()) == [
        {"key": "it", "count": 2}, {"key": "retail", "count": 2}, {"key": "", "count": 1}]
    assert selectors.distribution(user=org.ma, by="industry", filters=f()) == [
        {"key": "it", "count": 2}, {"key": "", "count": 1}, {"key": "retail", "count": 1}]
    assert selectors.distribution(user=org.ra1, by="stage", filters=f()) == [
        {"key": "closed", "count": 1}, {"key": "intent", "count": 1}]
    # without a period every visible customer counts (c7 created after it, c6 before it)
    assert selectors.distribution(user=org.ra1, by="industry") == [{"key": "it", "count": 3}]


def test_sales_by_owner_and_month_per_role(book):
    org = book.org
    ra1, rb1 = str(org.ra1.pk), str(org.rb1.pk)
    # c1 1000.00 + 2000.00, c2 500.50 (ra1); c5 3000.00 (rb1); c6 and c7 orders fall outside the period;
    # closed in the period: c1 on 2026-02-09 (ra1), c5 on 2026-05-07 (rb1)
    assert selectors.sales(user=org.admin, by="owner", filters=f()) == [
        {"key": ra1, "label": "李销售", "amount": "3500.50", "orders": 3, "customers": 1},
        {"key": rb1, "label": "陈销售", "amount": "3000.00", "orders": 1, "customers": 1}]
    assert selectors.sales(user=org.admin, by="month", filters=f()) == [
        {"key": "2026-01", "label": "2026-01", "amount": "1000.00", "orders": 1, "customers": 0},
        {"key": "2026-02", "label": "2026-02", "amount": "0.00", "orders": 0, "customers": 1},
        {"key": "2026-03", "label": "2026-03", "amount": "2500.50", "orders": 2, "customers": 0},
        {"key": "2026-05", "label": "2026-05", "amount": "3000.00", "orders": 1, "customers": 1}]
    assert [r["key"] for r in selectors.sales(user=org.ma, by="owner", filters=f())] == [ra1]
    assert [r["amount"] for r in selectors.sales(user=org.mb, by="month", filters=f())] == ["3000.00"]
    assert selectors.sales(user=org.ra2, by="owner", filters=f()) == []
    # the whole history for the admin: 6 orders in 5 months, plus February when c1 closed
    rows = selectors.sales(user=org.admin, by="month", filters=ReportFilters())
    assert (len(rows), sum(r["orders"] for r in rows), sum(r["customers"] for r in rows)) == (6, 6, 2)


def test_funnel_reached_stages_conversion_and_days_per_role(book):
    org = book.org
    # c1 potential→intent (10 d)→closed (20 d); c2 →intent (5 d); c3 →intent (3 d)→lost (27 d); c4 potential;
    # c5 potential→closed (6 d)
    assert selectors.funnel(user=org.admin, filters=f()) == [
        {"stage": "potential", "count": 5, "conversion_rate": 0.8, "avg_days": 6.0},
        {"stage": "intent", "count": 4, "conversion_rate": 0.5, "avg_days": 23.5},
        {"stage": "closed", "count": 2, "conversion_rate": None, "avg_days": None},
        {"stage": "lost", "count": 1, "conversion_rate": None, "avg_days": None}]
    assert selectors.funnel(user=org.ma, filters=f()) == [
        {"stage": "potential", "count": 4, "conversion_rate": 0.75, "avg_days": 6.0},
        {"stage": "intent", "count": 3, "conversion_rate": 0.3333, "avg_days": 23.5},
        {"stage": "closed", "count": 1, "conversion_rate": None, "avg_days": None},
        {"stage": "lost", "count": 1, "conversion_rate": None, "avg_days": None}]
    assert selectors.funnel(user=org.ra1, filters=f()) == [
        {"stage": "potential", "count": 2, "conversion_rate": 1.0, "avg_days": 7.5},
        {"stage": "intent", "count": 2, "conversion_rate": 0.5, "avg_days": 20.0},
        {"stage": "closed", "count": 1, "conversion_rate": None, "avg_days": None},
        {"stage": "lost", "count": 0, "conversion_rate": None, "avg_days": None}]


def test_growth_months_and_source_shares(book):
    org = book.org
    assert selectors.growth(user=org.admin, filters=f()) == {
        "months": [{"key": f"2026-0{m}", "count": 1} for m in range(1, 6)],
        "sources": [{"key": "web", "count": 3, "share": 0.6}, {"key": "fair", "count": 2, "share": 0.4}],
        "total": 5}
    assert selectors.growth(user=org.rb1, filters=f()) == {
        "months": [{"key": "2026-05", "count": 1}], "sources": [{"key": "fair", "count": 1, "share": 1.0}], "total": 1}


def test_followup_efficiency_per_owner_and_total(book):
    org = book.org
    data = selectors.followup_efficiency(user=org.admin, filters=f())
    rows = by_key(data["rows"])
    # first follow-up: c1 4 h after first contact, c2 24 h after registration, c3 2 h, c5 6 h; c4 none
    assert rows[str(org.ra1.pk)] == {"key": str(org.ra1.pk), "label": "李销售", "customers": 2, "responded": 2,
                                     "overdue": 1, "high_intent": 2, "high_intent_closed": 1,
                                     "avg_first_response_hours": 14.0, "high_intent_conversion": 0.5}
    assert rows[str(org.ra2.pk)]["avg_first_response_hours"] == 2.0
    assert rows[str(org.ra2.pk)]["overdue"] == 1  # c4; c3 is lost with no plan
    assert rows[str(org.rb1.pk)]["high_intent_conversion"] == 1.0
    assert data["total"] == {"customers": 5, "responded": 4, "overdue": 2, "high_intent": 3, "high_intent_closed": 2,
                             "avg_first_response_hours": 9.0, "high_intent_conversion": 0.6667}
    manager = selectors.followup_efficiency(user=org.ma, filters=f())
    assert sorted(r["key"] for r in manager["rows"]) == sorted([str(org.ra1.pk), str(org.ra2.pk)])
    assert manager["total"]["avg_first_response_hours"] == 10.0  # (4 + 24 + 2) / 3
    rep = selectors.followup_efficiency(user=org.rb1, filters=f())
    assert [r["key"] for r in rep["rows"]] == [str(org.rb1.pk)]


def test_health_churn_rate_retention_and_reasons(book):
    org = book.org
    data = selectors.health(user=org.admin, filters=f())
    # on the books: c1..c6 (c6 lost inside the period); lost in it: c3 (price), c6 (competitor);
    # high value: c1, c2, c3, c6, of which c3 and c6 were lost
    assert data["total"] == {"base": 6, "churned": 2, "high_value": 4, "high_value_lost": 2,
                             "churn_rate": 0.3333, "high_value_retention": 0.5}
    assert data["reasons"] == [{"key": "competitor", "count": 1}, {"key": "price", "count": 1}]
    rows = by_key(data["rows"])
    assert (rows[str(org.ra1.pk)]["churn_rate"], rows[str(org.ra1.pk)]["high_value_retention"]) == (0.0, 1.0)
    assert (rows[str(org.ra2.pk)]["churn_rate"], rows[str(org.ra2.pk)]["high_value_retention"]) == (0.5, 0.0)
    team_b = selectors.health(user=org.mb, filters=f())
    assert team_b["total"]["churned"] == 1 and team_b["reasons"] == [{"key": "competitor", "count": 1}]
    # a period after c3 and c6 were lost: they are no longer on the books, nobody churns
    later = selectors.health(user=org.admin, filters=parse_filters({"period_start": "2026-07-01",
                                                                    "period_end": "2026-12-31"}))
    assert later["total"] == {"base": 5, "churned": 0, "high_value": 2, "high_value_lost": 0,
                              "churn_rate": 0.0, "high_value_retention": 1.0}


def test_service_urgency_compliance_and_causes(book):
    org = book.org
    data = selectors.service(user=org.admin, filters=f())
    assert data["urgency"] == [
        {"key": "critical", "count": 1, "response_decided": 1, "responded_on_time": 1, "resolve_decided": 1,
         "resolved_on_time": 0, "response_rate": 1.0, "resolve_rate": 0.0},
        {"key": "urgent", "count": 1, "response_decided": 1, "responded_on_time": 0, "resolve_decided": 1,
         "resolved_on_time": 1, "response_rate": 0.0, "resolve_rate": 1.0},
        {"key": "general", "count": 1, "response_decided": 1, "responded_on_time": 0, "resolve_decided": 1,
         "resolved_on_time": 0, "response_rate": 0.0, "resolve_rate": 0.0}]
    assert data["total"]["response_rate"] == 0.3333
    assert data["causes"] == [{"key": "delivery", "count": 2}, {"key": "quality", "count": 1}]
    assert [r["count"] for r in selectors.service(user=org.ma, filters=f())["urgency"]] == [1, 1, 0]
    assert selectors.service(user=org.ra2, filters=f())["causes"] == [{"key": "quality", "count": 1}]


def test_team_and_owner_filters_narrow_within_scope_and_select_nothing_outside(book):
    org = book.org
    # the admin narrows to team B, then to one owner
    assert [r["key"] for r in selectors.sales(user=org.admin, by="owner", filters=f(team=str(org.team_b.pk)))] \
        == [str(org.rb1.pk)]
    assert selectors.funnel(user=org.admin, filters=f(owner=str(org.ra2.pk)))[0]["count"] == 2
    # a manager asking for the other team, a rep for a colleague: nothing, like an id that does not exist
    assert selectors.sales(user=org.ma, by="owner", filters=f(team=str(org.team_b.pk))) == []
    assert selectors.distribution(user=org.ra1, by="stage", filters=f(owner=str(org.ra2.pk))) == []
    assert selectors.distribution(user=org.ra1, by="stage", filters=f(owner="999999")) == []
    assert selectors.service(user=org.ra1, filters=f(owner=str(org.rb1.pk)))["total"]["count"] == 0
    assert selectors.funnel(user=org.ma, filters=f(team=str(org.team_b.pk)))[0]["count"] == 0


def test_a_binned_customer_leaves_complaints_and_closings_for_every_role_and_returns_on_restore(book):
    # given the admin's and team A's manager's service and sales figures
    def figures(user):
        service = selectors.service(user=user, filters=parse_filters(PERIOD))
        sales = selectors.sales(user=user, by="month", filters=parse_filters(PERIOD))
        return ({r["key"]: r["count"] for r in service["urgency"]}, {r["key"]: r["customers"] for r in sales})
    org, c1 = book.org, book.c1
    before = {u: figures(u) for u in (org.admin, org.ma)}
    # when c1 (ra1: the critical complaint, closed in February) goes to the recycle bin
    type(c1).objects.filter(pk=c1.pk).update(deleted_at=at(2026, 7, 1))
    # then neither counts its complaint nor its closing any more
    for user in (org.admin, org.ma):
        urgency, closed = figures(user)
        assert urgency == {**before[user][0], "critical": before[user][0]["critical"] - 1}
        assert (before[user][1]["2026-02"], closed.get("2026-02", 0)) == (1, 0)
    # and after the restore every figure is back
    type(c1).objects.filter(pk=c1.pk).update(deleted_at=None)
    assert {u: figures(u) for u in (org.admin, org.ma)} == before
