"""Shared API serializer pieces: strict input (no silently dropped keys), scoped customer ids, error shapes."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

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


# Field types whose to_representation gives back a database value unchanged (str, bool, int, choice key).
_VERBATIM = (serializers.CharField, serializers.EmailField, serializers.ChoiceField, serializers.BooleanField,
             serializers.IntegerField)


class FastOutputMixin:
    """Output of wide records in long lists without DRF's per-field machinery.

    DRF resolves every field of every row through get_attribute, SkipField and PKOnlyObject checks; for a
    page of 50 customers with 40 fields that was the largest part of the request. Plain model columns are
    read straight from the instance here, with the same conversion DRF would apply; everything else
    (method fields, nested and custom fields) still goes through its own field. Same output, tested.
    """

    def _output_plan(self) -> list[tuple[str, str | None, bool, serializers.Field]]:
        plan = self.__dict__.get("_plan")
        if plan is None:
            columns = {f.name: f.attname for f in self.Meta.model._meta.concrete_fields}
            plan = self._plan = [self._step(f, columns) for f in self._readable_fields]
        return plan

    @staticmethod
    def _step(field, columns: dict[str, str]) -> tuple[str, str | None, bool, serializers.Field]:
        name = field.source_attrs[0] if len(field.source_attrs) == 1 else None
        if name in columns and type(field) is serializers.PrimaryKeyRelatedField and field.pk_field is None:
            return field.field_name, columns[name], True, field  # the foreign key's id column, not the object
        if name in columns and not isinstance(field, serializers.RelatedField):
            return field.field_name, columns[name], type(field) in _VERBATIM, field
        return field.field_name, None, False, field

    def to_representation(self, instance):
        out = {}
        for name, attname, verbatim, field in self._output_plan():
            if attname is None:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
                check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
                out[name] = None if check is None else field.to_representation(attribute)
                continue
            value = getattr(instance, attname)
            out[name] = value if value is None or verbatim else field.to_representation(value)
        return out


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
