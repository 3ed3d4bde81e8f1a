"""Shared API serializer pieces: strict input (no silently dropped keys), scoped customer ids, error shapes."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from huike.accounts import policies


class StrictInputMixin:
    """Input serializers name every key they will not store instead of silently dropping it.

    A key that is part of the output (id, code, author, …) is "read-only"; anything else is "unknown".
    Subclasses list their output-only names in `Meta.read_only_names` (or declare read-only fields).
    """

    def _refused_keys(self, data) -> dict[str, list[str]]:
        if not hasattr(data, "keys"):
            return {}
        writable = {name for name, f in self.fields.items() if not f.read_only}
        read_only = {name for name, f in self.fields.items() if f.read_only}
        read_only |= set(getattr(getattr(self, "Meta", None), "read_only_names", ()))
        errors = {}
        for key in data.keys():
            if key in writable:
                continue
            errors[key] = [str(_("This field is read-only.")) if key in read_only else str(_("Unknown field."))]
        return errors

    def to_internal_value(self, data):
        refused = self._refused_keys(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if refused and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **refused}) from None
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value


@extend_schema_field(OpenApiTypes.INT)
class ScopedCustomerField(serializers.PrimaryKeyRelatedField):
    """A customer id the requesting user may see; an invisible id reads exactly like a missing one (no leak)."""

    def get_queryset(self):
        from huike.customers.models import Customer

        request = self.context.get("request")
        user = getattr(request, "user", None)
        return policies.scoped(user, Customer.objects.all())


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class DuplicateSerializer(serializers.Serializer):
    detail = serializers.CharField()
    duplicates = serializers.ListField(child=serializers.IntegerField())
    fields = serializers.ListField(child=serializers.CharField())


class FieldErrorsSerializer(serializers.Serializer):
    """400: {"<field>": ["message", …]} — one key per offending field (documented by example)."""

    field_name = serializers.ListField(child=serializers.CharField(), help_text="Messages for the field named by the key.")
