"""Query parameters of the follow-up list (validated and documented; the selector filters)."""
from __future__ import annotations

import django_filters

from huike.followups.models import FollowUp, Method, ReviewStatus

FOLLOWUP_SORTS = ["occurred_at", "-occurred_at", "created_at", "-created_at"]


class FollowUpFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(help_text="Only this customer's follow-ups.")
    review_status = django_filters.ChoiceFilter(choices=ReviewStatus.choices)
    method = django_filters.ChoiceFilter(choices=Method.choices)
    author = django_filters.NumberFilter(help_text="Only follow-ups written by this user.")
    search = django_filters.CharFilter(help_text="Content, feedback or result contains this text.")
    ordering = django_filters.ChoiceFilter(choices=[(v, v) for v in FOLLOWUP_SORTS])

    class Meta:
        model = FollowUp
        fields: list = []
