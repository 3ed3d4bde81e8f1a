"""Shared API serializer pieces: strict input (no silently dropped keys), scoped customer ids, error shapes."""
from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

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


_ISO_DATETIME = "iso-datetime"


def _plain_iso_datetime(field) -> bool:
    """A DateTimeField with DRF's default ISO 8601 output in the current time zone (USE_TZ on)."""
    return (type(field) is serializers.DateTimeField and settings.USE_TZ
            and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601 and not hasattr(field, "timezone"))


class FastOutputMixin:
    """Output of wide records in long lists without DRF's per-field machinery.

    DRF resolves every field of every row through get_attribute, SkipField and PKOnlyObject checks; for a
    page of 50 customers with 40 fields that was the largest part of the request. Plain model columns are
    read straight from the instance here, with the same conversion DRF would apply; everything else
    (method fields, nested and custom fields) still goes through its own field. Same output, tested.

    Building a ModelSerializer's fields is itself costly (an eighth of a request under load), so the plan is
    built once per class when every field's output depends on the value alone; method fields are called on
    the serializer at hand. A class with a context-dependent field (nested serializer, related object) builds
    its plan per instance, as before.
    """

    _shared_plans: dict[type, list | None] = {}

    def _output_plan(self) -> list[tuple[str, str | None, bool, serializers.Field | None, str | None]]:
        plan = self.__dict__.get("_plan")
        if plan is None:
            cls = type(self)
            if cls not in FastOutputMixin._shared_plans:
                steps = self._build_plan()
                FastOutputMixin._shared_plans[cls] = steps if all(self._shareable(s) for s in steps) else None
            plan = self._plan = FastOutputMixin._shared_plans[cls] or self._build_plan()
        return plan

    def _build_plan(self):
        columns = {f.name: f.attname for f in self.Meta.model._meta.concrete_fields}
        return [self._step(f, columns) for f in self._readable_fields]

    @staticmethod
    def _shareable(step) -> bool:
        _name, attname, _verbatim, field, method = step
        if attname is not None or method is not None:
            return True
        return not isinstance(field, (serializers.BaseSerializer, serializers.RelatedField,
                                      serializers.ManyRelatedField, serializers.HiddenField))

    @staticmethod
    def _step(field, columns: dict[str, str]):
        name = field.source_attrs[0] if len(field.source_attrs) == 1 else None
        if type(field) is serializers.SerializerMethodField:
            return field.field_name, None, False, None, field.method_name  # called on the serializer at hand
        if name in columns and type(field) is serializers.PrimaryKeyRelatedField and field.pk_field is None:
            return field.field_name, columns[name], True, field, None  # the foreign key's id column, not the object
        if name in columns and _plain_iso_datetime(field):
            return field.field_name, columns[name], _ISO_DATETIME, field, None
        if name in columns and not isinstance(field, serializers.RelatedField):
            return field.field_name, columns[name], type(field) in _VERBATIM, field, None
        return field.field_name, None, False, field, None

    def to_representation(self, instance):
        out = {}
        zone = None
        for name, attname, verbatim, field, method in self._output_plan():
            if verbatim is _ISO_DATETIME:  # DRF's DateTimeField output, the current time zone looked up once
                value = getattr(instance, attname)
                if value is None or not timezone.is_aware(value):
                    out[name] = None if value is None else field.to_representation(value)
                    continue
                if zone is None:
                    zone = timezone.get_current_timezone()
                text = value.astimezone(zone).isoformat()
                out[name] = text[:-6] + "Z" if text.endswith("+00:00") else text
                continue
            if method is not None:
                out[name] = getattr(self, method)(instance)
                continue
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
