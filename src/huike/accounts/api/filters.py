"""Query parameters of the team and user lists."""
from __future__ import annotations

import django_filters

from huike.accounts.models import Role, Team, User


class TeamFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(help_text="Team name contains this text.")
    ordering = django_filters.ChoiceFilter(choices=[("name", "name"), ("-name", "-name")])

    class Meta:
        model = Team
        fields: list = []


class UserFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(help_text="User name, display name or email contains this text.")
    role = django_filters.ChoiceFilter(choices=Role.choices)
    team = django_filters.NumberFilter()
    is_active = django_filters.BooleanFilter()
    ordering = django_filters.ChoiceFilter(choices=[(v, v) for v in ("username", "-username", "display_name",
                                                                      "-display_name", "date_joined", "-date_joined")])

    class Meta:
        model = User
        fields: list = []
