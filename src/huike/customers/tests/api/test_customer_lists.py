"""API: the customer list — scope, search, filters, ordering, pagination, query counts (R-2.5)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from huike.core.api_testing import client_for, list_queries, url
from huike.customers.models import Customer
from huike.testing.factories import make_customer, make_followup


def _names(client, **query):
    response = client.get(url("customer-list", **query))
    assert response.status_code == 200, response.json()
    return [c["name"] for c in response.json()["results"]]


def test_each_role_lists_its_scope(org):
    for owner in (org.ra1, org.ra2, org.rb1):
        make_customer(owner, name=f"{owner.username} 公司")
    assert _names(client_for(org.ra1)) == ["ra1 公司"]
    assert sorted(_names(client_for(org.ma))) == ["ra1 公司", "ra2 公司"]
    assert sorted(_names(client_for(org.admin))) == ["ra1 公司", "ra2 公司", "rb1 公司"]


def test_search_filters_and_ordering(org):
    make_customer(org.ra1, name="北京甲科技有限公司", phone="13811112222", stage="intent", intent="high",
                  industry="it", province="北京市", tags=["重点"])
    make_customer(org.ra1, name="上海乙贸易有限公司", phone="13833334444", industry="retail", province="上海市")
    make_customer(org.ra2, name="广州丙制造有限公司", phone="13855556666", industry="manufacturing", kind="individual")
    manager = client_for(org.ma)
    assert _names(manager, search="甲科技") == ["北京甲科技有限公司"]
    assert _names(manager, search="138-3333-4444") == ["上海乙贸易有限公司"]
    assert _names(manager, stage="intent") == ["北京甲科技有限公司"]
    assert _names(manager, intent="high", industry="it") == ["北京甲科技有限公司"]
    assert _names(manager, province="上海市") == ["上海乙贸易有限公司"]
    assert _names(manager, kind="individual") == ["广州丙制造有限公司"]
    assert _names(manager, tag="重点") == ["北京甲科技有限公司"]
    assert _names(manager, owner=org.ra2.pk) == ["广州丙制造有限公司"]
    assert len(_names(manager, team=org.team_a.pk)) == 3
    assert _names(manager, team=org.team_b.pk) == []
    assert _names(manager, ordering="name") == sorted(_names(manager, ordering="name"))
    assert _names(manager, ordering="-created_at") == list(reversed(_names(manager, ordering="created_at")))


def test_overdue_filter(org):
    due = make_customer(org.ra1, name="逾期公司")
    make_customer(org.ra1, name="按时公司")
    Customer.objects.filter(pk=due.pk).update(next_followup_at=timezone.now() - dt.timedelta(days=1))
    Customer.objects.exclude(pk=due.pk).update(next_followup_at=timezone.now() + dt.timedelta(days=3))
    assert _names(client_for(org.ra1), overdue="true") == ["逾期公司"]


def test_malformed_query_parameters_are_400_naming_the_parameter(org):
    rep = client_for(org.ra1)
    for key, value in (("stage", "won"), ("owner", "abc"), ("ordering", "password"), ("team", "x"),
                       ("value_tier", "gold"), ("created_from", "2024-13-01")):
        response = rep.get(url("customer-list", **{key: value}))
        assert response.status_code == 400, key
        assert key in response.json(), key


def test_pagination_shape_and_the_page_size_cap(org):
    for _ in range(3):
        make_customer(org.ra1)
    rep = client_for(org.ra1)
    page = rep.get(url("customer-list", page_size=2)).json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 3 and len(page["results"]) == 2 and page["previous"] is None
    assert "page=2" in page["next"]
    assert len(rep.get(url("customer-list", page_size=500)).json()["results"]) == 3


def test_customer_list_and_history_take_a_fixed_number_of_queries(org):
    manager = client_for(org.ma)
    first = [make_customer(org.ra1, tags=["重点", f"t{i}"]) for i in range(3)]
    for c in first:
        make_followup(c, org.ra1)
    few = (list_queries(manager, url("customer-list")), list_queries(manager, url("customer-history", first[0].pk)))
    more = [make_customer(org.ra2, tags=["华东"]) for _ in range(27)]
    for _ in range(27):
        make_followup(first[0], org.ra1)
    many = (list_queries(manager, url("customer-list")), list_queries(manager, url("customer-history", first[0].pk)))
    assert len(more) == 27
    # count + page (tag names in the page's statement); customer + tags + count + page of entries (actors joined)
    assert few == many == (2, 4)


def test_list_rows_carry_the_same_sorted_tag_names_as_the_detail(org):
    # given a customer with two tags (named out of order, one with a quote) and one with none
    tagged = make_customer(org.ra1, name="甲", tags=["重点", '华东"区'])
    bare = make_customer(org.ra1, name="乙")
    client = client_for(org.ra1)
    # when the list and each detail are read
    rows = {c["name"]: c["tags"] for c in client.get(url("customer-list")).json()["results"]}
    details = {c.name: client.get(url("customer-detail", c.pk)).json()["tags"] for c in (tagged, bare)}
    # then both give the names sorted, and an empty list for no tags
    assert rows == details == {"甲": sorted(["重点", '华东"区']), "乙": []}
