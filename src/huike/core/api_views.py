"""Thin API view plumbing shared by every app: reads through selectors, writes through services.

A resource view names its input serializer (strict), its output serializer, a FilterSet (which only
validates and documents the query parameters) and four hooks: `select`, `fetch`, `create_record`,
`update_record`, `delete_record`. Permission rules stay in accounts.policies and the services.
"""
from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.response import Response

from .api_serializers import DetailSerializer, DuplicateSerializer

# One key per offending field (or "non_field_errors"): a map, so the schema says so rather than naming a key.
# A list field's errors are keyed by item index ({"attachments": {"0": [...]}}), hence the object alternative.
FIELD_ERRORS = {"type": "object", "additionalProperties": {
    "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]}}
BAD_REQUEST = OpenApiResponse(FIELD_ERRORS, description="Field errors: {\"<field>\": [\"message\", …]}.")
FORBIDDEN = OpenApiResponse(DetailSerializer, description="Your role may not do this to a record you can see.")
NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such record, or it is outside your scope.")
THROTTLED = OpenApiResponse(DetailSerializer, description="Too many failed sign-ins for this name and address: "
                                                        "wait and try again (R-12.5).")
PAGE_NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such page of the list (?page= beyond the last).")
CONFLICT = OpenApiResponse(DuplicateSerializer, description="A customer with the same phone, email or credit code exists.")


def crud_schema(*, tag: str, input_serializer, output_serializer, create_input=None, create_output=None,
                create_extra: dict | None = None, update_extra: dict | None = None, update_parameters=None):
    """OpenAPI documentation for a list/create/retrieve/update/delete resource."""
    writes = {400: BAD_REQUEST, 403: FORBIDDEN}
    updates = {**writes, **(update_extra or {})}
    return extend_schema_view(
        list=extend_schema(tags=[tag], responses={200: output_serializer(many=True), 400: BAD_REQUEST,
                                                  404: PAGE_NOT_FOUND}),
        create=extend_schema(tags=[tag], request=create_input or input_serializer,
                             responses={201: create_output or output_serializer, **writes, **(create_extra or {})}),
        retrieve=extend_schema(tags=[tag], responses={200: output_serializer, 404: NOT_FOUND}),
        update=extend_schema(tags=[tag], request=input_serializer, parameters=update_parameters,
                             responses={200: output_serializer, 404: NOT_FOUND, **updates}),
        partial_update=extend_schema(tags=[tag], request=input_serializer, parameters=update_parameters,
                                     responses={200: output_serializer, 404: NOT_FOUND, **updates}),
        destroy=extend_schema(tags=[tag], responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND}),
    )


def clean_query(filterset_class, request) -> dict[str, Any]:
    """Validated query parameters (400 naming the parameter when one is malformed)."""
    if not filterset_class.base_filters.keys() & request.query_params.keys():
        return {}  # nothing to validate: skip building the filter form (most list requests)
    model = filterset_class._meta.model
    filterset = filterset_class(request.query_params, queryset=model.objects.none(), request=request)
    if not filterset.is_valid():
        raise ValidationError({k: list(v) for k, v in filterset.errors.items()})
    return {k: v for k, v in filterset.form.cleaned_data.items() if v not in (None, "", [])}


class ResourceViewSet(viewsets.GenericViewSet):
    # list / create / retrieve / update / partial_update / destroy over selectors and services.
    # (A comment, not a docstring: the schema would show it on every operation.)

    input_serializer_class = None
    output_serializer_class = None
    filter_backends = [DjangoFilterBackend]  # documents the FilterSet; `select` does the filtering
    # Not a read path: only lets the schema generator find the model. Reads use `select` / `fetch`.
    queryset = None

    # --- hooks ----------------------------------------------------------------------------
    # Reads are every resource's own; a resource that takes no writes answers 405 for them.
    def select(self, params: dict[str, Any]) -> QuerySet:
        raise ImproperlyConfigured(f"{type(self).__name__} must define select(params)")

    def fetch(self, pk):
        raise ImproperlyConfigured(f"{type(self).__name__} must define fetch(pk)")

    def create_record(self, data: dict[str, Any]):
        raise MethodNotAllowed(self.request.method)

    def update_record(self, obj, data: dict[str, Any]):
        raise MethodNotAllowed(self.request.method)

    def delete_record(self, obj) -> None:
        raise MethodNotAllowed(self.request.method)

    def delete_record(self, obj) -> None:
        raise MethodNotAllowed(self.request.method)

    # --- plumbing -------------------------------------------------------------------------
    def get_serializer_class(self):
        if self.request is not None and self.request.method in ("POST", "PUT", "PATCH"):
            return self.input_serializer_class
        return self.output_serializer_class

    def output(self, obj, **kwargs):
        return self.output_serializer_class(obj, context=self.get_serializer_context(), **kwargs)

    def validated_input(self, instance=None, partial: bool = False) -> dict[str, Any]:
        serializer = self.input_serializer_class(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def list(self, request, *args, **kwargs):
        params = clean_query(self.filterset_class, request) if self.filterset_class else {}
        page = self.paginate_queryset(self.select(params))
        return self.get_paginated_response(self.output(page, many=True).data)

    def retrieve(self, request, pk=None, *args, **kwargs):
        return Response(self.output(self.fetch(pk)).data)

    def create(self, request, *args, **kwargs):
        obj = self.create_record(self.validated_input())
        return Response(self.output(obj).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, *args, partial: bool = False, **kwargs):
        obj = self.fetch(pk)
        data = self.validated_input(obj, partial=partial)
        obj = self.update_record(obj, data)
        return Response(self.output(self.fetch(obj.pk)).data)

    def partial_update(self, request, pk=None, *args, **kwargs):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None, *args, **kwargs):
        self.delete_record(self.fetch(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


def keep_customer(obj, data: dict[str, Any]) -> dict[str, Any]:
    """A record stays with its customer: the same id may be sent back (PUT), another one may not."""
    customer = data.pop("customer", None)
    if customer is not None and customer.pk != obj.customer_id:
        raise ValidationError({"customer": [_("A record cannot be moved to another customer.")]})
    return data
