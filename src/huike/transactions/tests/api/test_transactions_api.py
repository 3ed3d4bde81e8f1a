"""API: orders and contracts (R-4) — happy paths, bad input, customer scoping, history, query counts."""
from __future__ import annotations

from huike.audit.models import AuditEntry
from huike.core.api_testing import client_for, db_fingerprint, list_queries, url
from huike.testing.factories import make_contract, make_customer, make_order
from huike.transactions.models import Contract, Order


def test_a_rep_records_and_corrects_an_order_on_their_customer(org):
    customer = make_customer(org.ra1)
    rep = client_for(org.ra1)
    # when ra1 records an order and then its payment
    created = rep.post(url("order-list"), {"customer": customer.pk, "date": "2024-05-01", "amount": "1280.50",
                                           "product": "专业版", "category": "软件"}, format="json")
    paid = rep.patch(url("order-detail", created.json()["id"]),
                     {"paid_amount": "1280.50", "paid_date": "2024-05-20"}, format="json")
    # then the answers carry the promised fields with amounts as decimal strings, and history has both steps
    assert created.status_code == 201
    assert created.json() | {"id": 0, "created_at": "", "updated_at": ""} == {
        "id": 0, "customer": customer.pk, "date": "2024-05-01", "amount": "1280.50", "product": "专业版",
        "category": "软件", "due_date": None, "paid_date": None, "paid_amount": None, "created_at": "", "updated_at": ""}
    assert paid.status_code == 200
    assert (paid.json()["paid_amount"], paid.json()["paid_date"]) == ("1280.50", "2024-05-20")
    history = client_for(org.ra1).get(url("customer-history", customer.pk)).json()["results"]
    assert [(h["object_type"], h["action"]) for h in history[:2]] == [("transactions.order", "update"),
                                                                      ("transactions.order", "create")]


def test_bad_order_input_names_the_field_and_stores_nothing(org):
    customer = make_customer(org.ra1)
    rep = client_for(org.ra1)
    base = {"customer": customer.pk, "date": "2024-05-01", "amount": "100.00", "product": "标准版"}
    cases = [
        ({**base, "amount": "100.123"}, "amount"),
        ({**base, "amount": "-1.00"}, "amount"),
        ({**base, "amount": "abc"}, "amount"),
        ({**base, "paid_amount": "0.001"}, "paid_amount"),
        ({**base, "date": "01/05/2024"}, "date"),
        ({**base, "product": "p" * 201}, "product"),
        ({**base, "category": "c" * 101}, "category"),
        ({**base, "due_date": "2024-04-01"}, "due_date"),  # before the order date
        ({**base, "paid_amount": "200.00", "paid_date": "2024-05-02"}, "paid_amount"),  # more than the amount
        ({**base, "discount": "5"}, "discount"),
        ({**base, "created_at": "2024-05-01T00:00:00Z"}, "created_at"),
        ({**base, "customer": "abc"}, "customer"),
        ({k: v for k, v in base.items() if k != "product"}, "product"),
    ]
    before = db_fingerprint()
    for body, field in cases:
        response = rep.post(url("order-list"), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    assert db_fingerprint() == before


def test_an_invisible_customer_reads_exactly_like_a_missing_one(org):
    hidden = make_customer(org.rb1)
    rep = client_for(org.ra1)
    body = {"date": "2024-05-01", "amount": "100.00", "product": "标准版"}
    # when ra1 posts an order for rb1's customer and for an id that does not exist
    invisible = rep.post(url("order-list"), {**body, "customer": hidden.pk}, format="json")
    missing = rep.post(url("order-list"), {**body, "customer": 999999}, format="json")
    # then both are the same 400 (up to the id) and nothing is stored
    assert invisible.status_code == missing.status_code == 400
    assert invisible.json()["customer"][0].replace(str(hidden.pk), "N") == missing.json()["customer"][0].replace(
        "999999", "N")
    assert Order.objects.count() == 0


def test_a_record_cannot_move_to_another_customer(org):
    order = make_order(make_customer(org.ra1), org.ra1)
    other = make_customer(org.ra1)
    response = client_for(org.ra1).patch(url("order-detail", order.pk), {"customer": other.pk}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["customer"]
    order.refresh_from_db()
    assert order.customer_id != other.pk


def test_contracts_happy_path_and_bad_input(org):
    customer = make_customer(org.ra1)
    rep = client_for(org.ra1)
    created = rep.post(url("contract-list"), {"customer": customer.pk, "start_date": "2024-01-01",
                                              "end_date": "2024-12-31", "amount": "50000.00"}, format="json")
    assert created.status_code == 201
    assert created.json()["renewal_status"] == "pending" and created.json()["disputed"] is False
    renewed = rep.patch(url("contract-detail", created.json()["id"]), {"renewal_status": "renewed"}, format="json")
    assert renewed.json()["renewal_status"] == "renewed"
    before = db_fingerprint()
    for body, field in (({"renewal_status": "maybe"}, "renewal_status"), ({"end_date": "2023-01-01"}, "end_date"),
                        ({"amount": "1.005"}, "amount"), ({"disputed": "perhaps"}, "disputed"),
                        ({"start_date": "2024/01/01"}, "start_date"), ({"id": 7}, "id")):
        response = rep.patch(url("contract-detail", created.json()["id"]), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    assert db_fingerprint() == before


def test_reps_cannot_delete_orders_or_contracts_managers_can(org):
    customer = make_customer(org.ra1)
    order, contract = make_order(customer, org.ra1), make_contract(customer, org.ra1)
    assert client_for(org.ra1).delete(url("order-detail", order.pk)).status_code == 403
    assert client_for(org.ra1).delete(url("contract-detail", contract.pk)).status_code == 403
    assert Order.objects.filter(pk=order.pk).exists() and Contract.objects.filter(pk=contract.pk).exists()
    assert client_for(org.ma).delete(url("order-detail", order.pk)).status_code == 204
    assert not Order.objects.filter(pk=order.pk).exists()
    assert AuditEntry.objects.filter(object_type="transactions.order", action="delete").count() == 1


def test_customer_filter_on_order_and_contract_lists(org):
    a, b = make_customer(org.ra1), make_customer(org.ra1)
    make_order(a, org.ra1), make_order(b, org.ra1), make_contract(b, org.ra1)
    rep = client_for(org.ra1)
    assert [o["customer"] for o in rep.get(url("order-list", customer=a.pk)).json()["results"]] == [a.pk]
    assert rep.get(url("contract-list", customer=a.pk)).json()["count"] == 0
    assert rep.get(url("order-list", customer="x")).status_code == 400


def test_order_and_contract_lists_take_a_fixed_number_of_queries(org):
    manager = client_for(org.ma)
    customers = [make_customer(org.ra1), make_customer(org.ra2), make_customer(org.ma)]
    for c in customers:
        make_order(c, org.ma), make_contract(c, org.ma)
    few = (list_queries(manager, url("order-list")), list_queries(manager, url("contract-list")))
    for i in range(27):
        c = customers[i % 3]
        make_order(c, org.ma), make_contract(c, org.ma)
    many = (list_queries(manager, url("order-list")), list_queries(manager, url("contract-list")))
    assert few == many == (2, 2)
