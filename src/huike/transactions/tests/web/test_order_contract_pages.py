"""Order and contract pages: scope by role, service validation shown inline, deletes for managers and admins."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huike.testing.factories import make_contract, make_customer, make_order
from huike.transactions.models import Contract, Order

# who asks → whose customer's records they may see (own / same team / other team)
VISIBLE = {
    "ra1": {"ra1": True, "ra2": False, "rb1": False},
    "ma": {"ra1": True, "ra2": True, "rb1": False},
    "admin": {"ra1": True, "ra2": True, "rb1": True},
}
CASES = [(who, owner, seen) for who, row in VISIBLE.items() for owner, seen in row.items()]


@pytest.fixture
def book(org):
    """One customer with an order and a contract for each of ra1, ra2 (team A) and rb1 (team B)."""
    out = {}
    for name in ("ra1", "ra2", "rb1"):
        owner = getattr(org, name)
        customer = make_customer(owner, name=f"{name}客户有限公司")
        out[name] = (customer, make_order(customer, owner, amount=Decimal("1280.50")), make_contract(customer, owner))
    return out


def orders_state():
    return sorted(Order.objects.values_list("id", "customer_id", "date", "amount", "product", "paid_amount"))


def contracts_state():
    return sorted(Contract.objects.values_list("id", "customer_id", "start_date", "end_date", "amount",
                                               "renewal_status", "disputed"))


def order_post(**over):
    return {"date": "2025-03-01", "amount": "1280.50", "product": "年度服务", "category": "服务", **over}


def test_paths_are_the_published_ones():
    # given the URL names other pages link to / then they give the documented paths
    assert reverse("transactions:orders") == "/orders/"
    assert reverse("transactions:order_create") == "/orders/new/"
    assert reverse("transactions:contracts") == "/contracts/"
    assert reverse("transactions:contract_edit", args=[3]) == "/contracts/3/"


def test_anonymous_is_sent_to_login(client, book):
    # given no session / when each page is asked for / then a redirect to the login page
    order, contract = book["ra1"][1], book["ra1"][2]
    login_url = resolve_url(settings.LOGIN_URL)
    for url in (reverse("transactions:orders"), reverse("transactions:order_create"),
                reverse("transactions:order_edit", args=[order.pk]), reverse("transactions:contracts"),
                reverse("transactions:contract_edit", args=[contract.pk])):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, f"{login_url}?next={url}")


@pytest.mark.parametrize("who", ["ra1", "ma", "admin"])
def test_lists_show_exactly_the_scoped_records(client, org, book, who):
    # given a rep, a manager or the admin / when they open the order and contract lists
    client.force_login(getattr(org, who))
    orders = client.get(reverse("transactions:orders"))
    contracts = client.get(reverse("transactions:contracts"))
    # then they list exactly the records of customers in their scope, amounts formatted
    expected = sorted(owner for owner, seen in VISIBLE[who].items() if seen)
    assert sorted(o.customer.owner.username for o in orders.context["rows"]) == expected
    assert sorted(c.customer.owner.username for c in contracts.context["rows"]) == expected
    assert "¥1,280.50" in orders.content.decode()
    assert "¥50,000.00" in contracts.content.decode()


@pytest.mark.parametrize("who,owner,seen", CASES)
def test_edit_pages_404_outside_scope(client, org, book, who, owner, seen):
    # given a user and another owner's order and contract
    client.force_login(getattr(org, who))
    _customer, order, contract = book[owner]
    # when the edit pages are opened / then 200 inside the scope and 404 outside it
    expected = 200 if seen else 404
    assert client.get(reverse("transactions:order_edit", args=[order.pk])).status_code == expected
    assert client.get(reverse("transactions:contract_edit", args=[contract.pk])).status_code == expected


@pytest.mark.parametrize("who,owner,seen", CASES)
def test_create_for_a_customer_outside_scope_is_404_and_stores_nothing(client, org, book, who, owner, seen):
    # given a user and another owner's customer
    client.force_login(getattr(org, who))
    customer = book[owner][0]
    before = orders_state()
    url = reverse("transactions:order_create")
    # when the form is opened with ?customer= and an order is posted for that customer
    opened = client.get(url, {"customer": customer.pk})
    posted = client.post(url, order_post(customer=customer.pk))
    # then inside the scope the order is stored; outside it both are 404 and nothing is stored
    if seen:
        assert (opened.status_code, posted.status_code) == (200, 302)
        assert Order.objects.filter(customer=customer).count() == 2
    else:
        assert (opened.status_code, posted.status_code) == (404, 404)
        assert orders_state() == before


def test_rep_creates_an_order_from_the_customer_select(client, org, book):
    # given ra1 / when the new-order form is opened without a customer
    client.force_login(org.ra1)
    page = client.get(reverse("transactions:order_create"))
    customer = book["ra1"][0]
    # then the select offers only ra1's customer
    choices = [value for value, _label in page.context["form"].fields["customer"].widget.choices if value]
    assert choices == [str(customer.pk)]
    # when an order is posted through it
    response = client.post(reverse("transactions:order_create"), order_post(customer=customer.pk, amount="99.90"))
    # then it is stored with the parsed values
    assert response.status_code == 302
    order = Order.objects.get(customer=customer, product="年度服务")
    assert (order.date, order.amount, order.category) == (dt.date(2025, 3, 1), Decimal("99.90"), "服务")


@pytest.mark.parametrize("amount,message", [
    ("-1.00", "An amount cannot be negative."),
    ("12.345", "An amount has at most 2 decimal places (fen)."),
])
def test_bad_amount_is_a_field_error_and_stores_nothing(client, org, book, amount, message):
    # given ra1 and the stored orders
    client.force_login(org.ra1)
    before = orders_state()
    # when an order with a bad amount is posted
    response = client.post(reverse("transactions:order_create"), order_post(customer=book["ra1"][0].pk, amount=amount))
    # then the amount field carries the service's message and nothing was stored
    assert response.status_code == 200
    assert response.context["form"].errors == {"amount": [message]}
    assert orders_state() == before


def test_missing_customer_is_a_field_error(client, org, book):
    # given ra1 / when an order is posted without a customer
    client.force_login(org.ra1)
    before = orders_state()
    response = client.post(reverse("transactions:order_create"), order_post())
    # then the customer field says so and nothing was stored
    assert response.context["form"].errors == {"customer": ["Choose a customer."]}
    assert orders_state() == before


def test_contract_edit_sets_renewal_and_dispute_and_rejects_bad_dates(client, org, book):
    # given ra1's contract
    client.force_login(org.ra1)
    contract = book["ra1"][2]
    url = reverse("transactions:contract_edit", args=[contract.pk])
    before = contracts_state()
    # when an end before the start is posted, then a valid change
    bad = client.post(url, {"start_date": "2025-05-01", "end_date": "2025-04-01", "amount": "100.00",
                            "renewal_status": "renewed"})
    after_bad = contracts_state()
    good = client.post(url, {"start_date": "2025-01-01", "end_date": "2025-12-31", "amount": "60000.00",
                             "renewal_status": "renewed", "disputed": "on"})
    # then the first shows the end-date error and changed nothing; the second is saved
    assert bad.context["form"].errors == {"end_date": ["The end date cannot be before the start date."]}
    assert after_bad == before
    assert good.status_code == 302
    contract.refresh_from_db()
    assert (contract.renewal_status, contract.disputed, contract.end_date, contract.amount) == (
        "renewed", True, dt.date(2025, 12, 31), Decimal("60000.00"))


def test_order_with_three_decimal_paid_amount_is_refused_on_edit(client, org, book):
    # given ra1's order / when it is edited with a paid amount of three decimals
    client.force_login(org.ra1)
    order = book["ra1"][1]
    before = orders_state()
    response = client.post(reverse("transactions:order_edit", args=[order.pk]),
                           order_post(paid_amount="10.001", paid_date="2025-03-02"))
    # then the paid amount is named and nothing changed
    assert response.context["form"].errors == {"paid_amount": ["An amount has at most 2 decimal places (fen)."]}
    assert orders_state() == before


def test_rep_gets_403_on_delete_of_own_records_and_sees_no_delete_button(client, org, book):
    # given ra1 with their own order and contract
    client.force_login(org.ra1)
    _customer, order, contract = book["ra1"]
    before = (orders_state(), contracts_state())
    # when ra1 opens the list and posts deletes
    listing = client.get(reverse("transactions:orders"))
    responses = [client.post(reverse("transactions:order_delete", args=[order.pk])),
                 client.post(reverse("transactions:contract_delete", args=[contract.pk]))]
    # then no delete button is shown, both deletes are 403 and nothing changed
    assert reverse("transactions:order_delete", args=[order.pk]) not in listing.content.decode()
    assert [r.status_code for r in responses] == [403, 403]
    assert (orders_state(), contracts_state()) == before


@pytest.mark.parametrize("who,owner,expected", [
    ("ma", "ra2", 302), ("ma", "rb1", 404), ("admin", "rb1", 302), ("ra1", "ra2", 404),
])
def test_delete_by_role_and_scope(client, org, book, who, owner, expected):
    # given a user and another owner's order and contract
    client.force_login(getattr(org, who))
    _customer, order, contract = book[owner]
    # when both are deleted
    r1 = client.post(reverse("transactions:order_delete", args=[order.pk]))
    r2 = client.post(reverse("transactions:contract_delete", args=[contract.pk]))
    # then managers and admins delete in scope; outside scope it is 404 and the records stay
    assert (r1.status_code, r2.status_code) == (expected, expected)
    exists = expected != 302
    assert (Order.objects.filter(pk=order.pk).exists(), Contract.objects.filter(pk=contract.pk).exists()) == (
        exists, exists)


def test_manager_sees_delete_buttons(client, org, book):
    # given ma / when the order list is opened / then a delete form is there for the team's orders
    client.force_login(org.ma)
    body = client.get(reverse("transactions:orders")).content.decode()
    assert reverse("transactions:order_delete", args=[book["ra2"][1].pk]) in body


def test_customer_filter_outside_scope_is_404(client, org, book):
    # given ra1 / when the list is filtered to rb1's customer / then 404; their own customer works
    client.force_login(org.ra1)
    assert client.get(reverse("transactions:orders"), {"customer": book["rb1"][0].pk}).status_code == 404
    own = client.get(reverse("transactions:contracts"), {"customer": book["ra1"][0].pk})
    assert [c.pk for c in own.context["rows"]] == [book["ra1"][2].pk]


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", ["transactions:orders", "transactions:contracts"])
def test_lists_do_not_grow_queries_with_rows(client, org, book, name):
    # given the manager and the list's query count with the fixture's rows
    client.force_login(org.ma)
    url = reverse(name)
    small = _count_queries(client, url)
    # when ten more customers with orders and contracts exist in the team
    for i in range(10):
        customer = make_customer(org.ra2, name=f"批量客户{i}")
        make_order(customer, org.ra2)
        make_contract(customer, org.ra2)
    # then the page takes the same number of queries
    assert _count_queries(client, url) == small
