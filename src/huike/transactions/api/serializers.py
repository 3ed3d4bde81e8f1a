"""Orders and contracts (R-4): strict input, plain output. Amounts are decimal strings in CNY."""
from __future__ import annotations

from rest_framework import serializers

from huike.core.api_serializers import ScopedCustomerField, StrictInputMixin
from huike.transactions.models import Contract, Order, RenewalStatus

ORDER_OUTPUT = ["id", "customer", "date", "amount", "product", "category", "due_date", "paid_date", "paid_amount",
                "created_at", "updated_at"]
CONTRACT_OUTPUT = ["id", "customer", "start_date", "end_date", "amount", "renewal_status", "disputed",
                   "created_at", "updated_at"]


def amount_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, **kwargs)


class OrderOutput(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ORDER_OUTPUT
        read_only_fields = ORDER_OUTPUT


class OrderInput(StrictInputMixin, serializers.Serializer):
    customer = ScopedCustomerField()
    date = serializers.DateField()
    amount = amount_field()
    product = serializers.CharField(max_length=200)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    paid_date = serializers.DateField(required=False, allow_null=True)
    paid_amount = amount_field(required=False, allow_null=True)

    class Meta:
        read_only_names = ORDER_OUTPUT


class ContractOutput(serializers.ModelSerializer):
    class Meta:
        model = Contract
        fields = CONTRACT_OUTPUT
        read_only_fields = CONTRACT_OUTPUT


class ContractInput(StrictInputMixin, serializers.Serializer):
    customer = ScopedCustomerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    amount = amount_field()
    renewal_status = serializers.ChoiceField(choices=RenewalStatus.choices, required=False)
    disputed = serializers.BooleanField(required=False)

    class Meta:
        read_only_names = CONTRACT_OUTPUT
