"""The customer API's fast output path gives exactly what DRF's own field-by-field output gives."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from huike.customers.api.serializers import CustomerOutput
from huike.customers.models import Customer
from huike.customers.selectors import customer_list
from huike.testing.factories import make_customer


def test_fast_output_equals_drf_output_for_full_and_sparse_customers(org):
    # given one customer with every kind of value set and one with the optional ones empty
    make_customer(org.ra1, kind="company", industry="manufacturing", email="Buyer@Example.com", budget="50-100万",
                  first_contact_at=timezone.now() - dt.timedelta(days=3), expected_close_date=dt.date(2027, 2, 28),
                  intent="high", stage="intent", core_business=True, tags=["重点", "华东"], demand="已确认预算")
    make_customer(org.ra1, phone="", email="sparse@example.com")
    request = APIRequestFactory().get("/api/v1/customers/")
    request.user = org.ra1
    rows = list(customer_list(user=org.ra1))
    # when both paths serialise the same rows
    fast = [CustomerOutput(c, context={"request": request}).data for c in rows]
    reference = [serializers.ModelSerializer.to_representation(CustomerOutput(context={"request": request}), c)
                 for c in rows]
    # then the dictionaries are equal, key order included
    assert len(fast) == 2
    for got, want in zip(fast, reference):
        assert list(got) == list(want)
        assert dict(got) == dict(want)
    full, sparse = sorted(fast, key=lambda row: row["email"])
    assert (full["email"], full["owner"], full["tags"]) == ("buyer@example.com", org.ra1.pk, sorted(["重点", "华东"]))
    assert (full["expected_close_date"], full["core_business"], full["intent"]) == ("2027-02-28", True, "high")
    assert (sparse["expected_close_date"], sparse["first_contact_at"], sparse["phone"]) == (None, None, "")


class _Greeting(CustomerOutput):
    greeting = serializers.SerializerMethodField()

    class Meta(CustomerOutput.Meta):
        fields = ["id", "name", "greeting"]
        read_only_fields = fields

    def get_greeting(self, customer) -> str:
        return f"{self.context['salutation']} {customer.name}"


def test_the_plan_built_once_per_class_still_calls_method_fields_on_the_serializer_at_hand():
    # given two serializers of one class with different contexts (no database: unsaved customers)
    first = _Greeting(context={"salutation": "您好"})
    second = _Greeting(context={"salutation": "Hello"})
    # when each serialises a customer
    a = first.to_representation(Customer(id=1, name="甲公司"))
    b = second.to_representation(Customer(id=2, name="乙公司"))
    # then the plan is the same object, and each method field saw its own serializer's context
    assert first._output_plan() is second._output_plan()
    assert (a, b) == ({"id": 1, "name": "甲公司", "greeting": "您好 甲公司"},
                      {"id": 2, "name": "乙公司", "greeting": "Hello 乙公司"})
