"""Query parameters of the order and contract lists (validated and documented; selectors filter)."""
from __future__ import annotations

import django_filters

from huike.transactions.models import Contract, Order, RenewalStatus

ORDER_SORTS = ["date", "-date", "amount", "-amount", "due_date", "-due_date", "created_at", "-created_at"]
CONTRACT_SORTS = ["start_date", "-start_date", "end_date", "-end_date", "amount", "-amount", "created_at", "-created_at"]


def _sorts(values: list[str]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class OrderFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(help_text="Only this customer's orders.")
    search = django_filters.CharFilter(help_text="Product or category contains this text.")
    date_from = django_filters.DateFilter(help_text="Order date on or after (YYYY-MM-DD).")
    date_to = django_filters.DateFilter(help_text="Order date on or before (YYYY-MM-DD).")
    ordering = django_filters.ChoiceFilter(choices=_sorts(ORDER_SORTS))

    class Meta:
        model = Order
        fields: list = []


class ContractFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(help_text="Only this customer's contracts.")
    renewal_status = django_filters.ChoiceFilter(choices=RenewalStatus.choices)
    disputed = django_filters.BooleanFilter()
    ordering = django_filters.ChoiceFilter(choices=_sorts(CONTRACT_SORTS))

    class Meta:
        model = Contract
        fields: list = []
