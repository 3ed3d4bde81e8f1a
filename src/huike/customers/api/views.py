"""Customers: thin views over customers.selectors and customers.services (R-2)."""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from huike.accounts import policies
from huike.audit.models import AuditEntry
from huike.core.api_views import CONFLICT, NOT_FOUND, ResourceViewSet, crud_schema
from huike.core.errors import StaleVersion
from huike.core.versioning import CONFLICT_ON_WRITE, IF_MATCH, etag, if_match
from huike.customers import selectors, services
from huike.customers.models import Customer

from .filters import ORDERINGS, CustomerFilter
from .serializers import AuditEntryOutput, CustomerCreated, CustomerInput, CustomerOutput

INT_FILTERS = ("owner", "team")


@crud_schema(tag="customers", input_serializer=CustomerInput, output_serializer=CustomerOutput,
             create_output=CustomerCreated, create_extra={409: CONFLICT}, update_extra={409: CONFLICT_ON_WRITE},
             update_parameters=[IF_MATCH])
class CustomerViewSet(ResourceViewSet):
    """Customers (R-2) within your scope; a duplicate phone, email or credit code is refused with 409."""

    queryset = Customer.objects.none()
    input_serializer_class = CustomerInput
    output_serializer_class = CustomerOutput
    filterset_class = CustomerFilter

    def select(self, params):
        filters = {k: (int(v) if k in INT_FILTERS else v) for k, v in params.items() if k not in ("search", "ordering")}
        qs = selectors.customer_list(user=self.request.user, filters=filters, search=params.get("search", ""))
        # the owner is output by id (no joined user rows); the classification evidence comes with each row
        qs = selectors.with_tag_names(qs.select_related(None).select_related("classification_result"))
        if ordering := params.get("ordering"):
            qs = qs.order_by(ORDERINGS[ordering], "-id")
        return qs

    def fetch(self, pk):
        return selectors.customer_get(user=self.request.user, pk=pk)

    def create(self, request, *args, **kwargs):
        data = self.validated_input()
        owner = data.pop("owner", None)
        customer = services.customer_create(actor=request.user, data=data, owner=owner)
        body = dict(CustomerOutput(self.fetch(customer.pk), context=self.get_serializer_context()).data)
        body["warnings"] = [
            {"id": c.pk, "code": c.code, "name": c.name,
             "message": _("A customer with a similar name exists: %(code)s %(name)s.") % {"code": c.code, "name": c.name}}
            for c, _score in services.similar_customers(customer.name, exclude_id=customer.pk)
        ]
        return Response(body, status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None, *args, **kwargs):
        return _with_etag(super().retrieve(request, pk, *args, **kwargs))

    def update(self, request, pk=None, *args, partial: bool = False, **kwargs):
        return _with_etag(super().update(request, pk, *args, partial=partial, **kwargs))

    def update_record(self, obj, data):
        try:
            return services.customer_update(actor=self.request.user, customer=obj, data=data,
                                            expected_version=if_match(self.request))
        except StaleVersion as stale:
            stale.current = self.output(self.fetch(obj.pk)).data  # what the client lost the race to
            raise

    def delete_record(self, obj):
        services.customer_delete(actor=self.request.user, customer=obj)

    @extend_schema(tags=["customers"], responses={200: AuditEntryOutput(many=True), 404: NOT_FOUND},
                   filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=ResourceViewSet.pagination_class)
    def history(self, request, pk=None):
        """The customer's recorded changes (R-12.1), its own and its records', newest first."""
        customer = self.fetch(pk)
        entries = AuditEntry.objects.filter(customer_id=customer.pk).select_related("actor").order_by("-at", "-id")
        page = self.paginate_queryset(entries)
        masked = not policies.can_see_contacts(request.user, customer.owner_id)
        return self.get_paginated_response(AuditEntryOutput(page, many=True, context={"mask_contacts": masked}).data)


def _with_etag(response):
    response["ETag"] = etag(response.data["version"])
    return response
