import datetime as dt
from decimal import Decimal

import pytest

from huike.audit.models import AuditEntry
from huike.core.errors import FieldErrors, Forbidden
from huike.testing.factories import make_contract, make_customer, make_order
from huike.transactions.models import Contract, Order
from huike.transactions.services import contract_update, order_delete, order_update

D = dt.date(2026, 11, 1)


def test_an_order_is_created_and_audited(org):
    c = make_customer(org.ra1)
    o = make_order(c, org.ra1, date=D, amount=Decimal("1280.50"), product="年度服务", category="服务",
                   due_date=D + dt.timedelta(days=30))
    assert (o.amount, o.customer) == (Decimal("1280.50"), c)
    assert AuditEntry.objects.get(object_type="transactions.order", object_id=o.pk).changes["amount"] == [None, "1280.50"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"amount": Decimal("-1.00")}, "amount"),
        ({"amount": Decimal("1.005")}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": None}, "amount"),
        ({"product": " "}, "product"),
        ({"date": None}, "date"),
        ({"due_date": D - dt.timedelta(days=1)}, "due_date"),
        ({"paid_amount": Decimal("2000.00"), "paid_date": D}, "paid_amount"),
        ({"paid_amount": Decimal("10.00")}, "paid_date"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_orders_name_the_field_and_store_nothing(org, data, field):
    c = make_customer(org.ra1)
    with pytest.raises(FieldErrors) as e:
        make_order(c, org.ra1, **{"date": D, "amount": Decimal("1000.00"), **data})
    assert field in e.value.errors
    assert Order.objects.count() == 0


def test_order_update_records_before_and_after(org):
    o = make_order(make_customer(org.ra1), org.ra1, date=D)
    order_update(actor=org.ra1, order=o, data={"paid_amount": Decimal("1000.00"), "paid_date": D})
    entry = AuditEntry.objects.get(object_id=o.pk, action="update", object_type="transactions.order")
    assert entry.changes == {"paid_date": [None, "2026-11-01"], "paid_amount": [None, "1000.00"]}


def test_reps_cannot_delete_orders(org):
    o = make_order(make_customer(org.ra1), org.ra1)
    pk = o.pk
    with pytest.raises(Forbidden):
        order_delete(actor=org.ra1, order=o)
    assert Order.objects.filter(pk=pk).exists()
    order_delete(actor=org.ma, order=o)
    assert not Order.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(object_id=pk, action="delete").count() == 1


def test_contract_dates_and_renewal_status_are_checked(org):
    c = make_customer(org.ra1)
    with pytest.raises(FieldErrors) as e:
        make_contract(c, org.ra1, start_date=D, end_date=D - dt.timedelta(days=1), renewal_status="maybe")
    assert sorted(e.value.errors) == ["end_date", "renewal_status"]
    assert Contract.objects.count() == 0
    k = make_contract(c, org.ra1, start_date=D, end_date=D + dt.timedelta(days=365))
    contract_update(actor=org.ra1, contract=k, data={"renewal_status": "not_renewed", "disputed": True})
    k.refresh_from_db()
    assert (k.renewal_status, k.disputed) == ("not_renewed", True)
