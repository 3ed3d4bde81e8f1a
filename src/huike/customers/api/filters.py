"""Query parameters of the customer list: validated and documented here, applied by customers.selectors."""
from __future__ import annotations

import django_filters

from huike.customers.models import Customer, Intent, Kind, RelationshipType, Stage, ValueClass, ValueTier

# API ordering names → the model ordering; the selector keeps "-id" as the tie-breaker.
ORDERINGS = {
    name: name for base in ("name", "code", "created_at", "updated_at", "next_followup_at", "expected_close_date")
    for name in (base, f"-{base}")
}


class CustomerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(help_text="Name, code, contact, phone (any format) or email contains this.")
    ordering = django_filters.ChoiceFilter(choices=[(k, k) for k in ORDERINGS])
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    intent = django_filters.ChoiceFilter(choices=Intent.choices)
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    value_tier = django_filters.ChoiceFilter(choices=ValueTier.choices)
    value_class = django_filters.ChoiceFilter(choices=ValueClass.choices)
    relationship_type = django_filters.ChoiceFilter(choices=RelationshipType.choices)
    industry = django_filters.CharFilter(help_text="Option key, e.g. manufacturing.")
    source = django_filters.CharFilter(help_text="Option key, e.g. exhibition.")
    customer_type = django_filters.CharFilter()
    company_size = django_filters.CharFilter()
    lost_reason = django_filters.CharFilter()
    province = django_filters.CharFilter()
    city = django_filters.CharFilter()
    owner = django_filters.NumberFilter(help_text="Owner's user id.")
    team = django_filters.NumberFilter(help_text="The owner's team id.")
    tag = django_filters.CharFilter(help_text="Tag name.")
    overdue = django_filters.BooleanFilter(help_text="true: the next follow-up time has passed.")
    registered_late = django_filters.BooleanFilter()
    created_from = django_filters.DateFilter(help_text="Created on or after (YYYY-MM-DD).")
    created_to = django_filters.DateFilter(help_text="Created on or before (YYYY-MM-DD).")

    class Meta:
        model = Customer
        fields: list = []
