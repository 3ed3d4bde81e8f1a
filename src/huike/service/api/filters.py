"""Query parameters of the complaint list (validated and documented; the selector filters)."""
from __future__ import annotations

import django_filters

from huike.service.models import Complaint, ComplaintStatus, Urgency

COMPLAINT_SORTS = ["received_at", "-received_at", "response_due_at", "-response_due_at",
                   "resolve_due_at", "-resolve_due_at"]


class ComplaintFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(help_text="Only this customer's complaints.")
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    search = django_filters.CharFilter(help_text="Description, cause or resolution contains this text.")
    ordering = django_filters.ChoiceFilter(choices=[(v, v) for v in COMPLAINT_SORTS])

    class Meta:
        model = Complaint
        fields: list = []
