"""Auth, the current user, teams and users (R-1)."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from huike.accounts.models import Role, Team, User
from huike.core.api_serializers import StrictInputMixin

USER_OUTPUT = ["id", "username", "display_name", "email", "role", "team", "is_active", "language",
               "can_view_contacts"]
LANGUAGES = [("", "—"), *[(code, name) for code, name in settings.LANGUAGES]]


class TokenInput(StrictInputMixin, serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class TeamOutput(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "manager"]
        read_only_fields = fields


class TeamInput(StrictInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100)
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, required=False)

    class Meta:
        read_only_names = ["id", "created_at"]


class UserOutput(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    email = serializers.CharField(read_only=True)  # often "" (no address): not the schema's "email" format

    class Meta:
        model = User
        fields = USER_OUTPUT
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices))
    def get_role(self, user: User) -> str:
        """The effective role: a superuser is an admin whatever the stored role says."""
        return user.effective_role


class UserInput(StrictInputMixin, serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, required=False, write_only=True, trim_whitespace=False,
                                     style={"input_type": "password"})
    display_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), allow_null=True, required=False)
    is_active = serializers.BooleanField(required=False)
    can_view_contacts = serializers.BooleanField(required=False, help_text="Sees customers' phone and email in full "
                                                 "(R-12.3); owners and admins always do.")
    language = serializers.ChoiceField(choices=LANGUAGES, required=False, allow_blank=True)

    class Meta:
        read_only_names = [*USER_OUTPUT, "is_superuser", "is_staff", "last_login", "date_joined"]
