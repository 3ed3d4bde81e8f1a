"""Complaints: thin views over service.selectors and service.services."""
from __future__ import annotations

from django.db.models import Q

from huike.accounts import policies
from huike.core.api_views import ResourceViewSet, crud_schema, keep_customer
from huike.service import selectors, services
from huike.service.models import Complaint

from .filters import ComplaintFilter
from .serializers import ComplaintInput, ComplaintOutput


@crud_schema(tag="complaints", input_serializer=ComplaintInput, output_serializer=ComplaintOutput)
class ComplaintViewSet(ResourceViewSet):
    """Complaints (R-8.1); the response and resolution deadlines follow from the urgency."""

    queryset = Complaint.objects.none()
    input_serializer_class = ComplaintInput
    output_serializer_class = ComplaintOutput
    filterset_class = ComplaintFilter

    def select(self, params):
        qs = selectors.complaint_list(
            user=self.request.user, customer_id=params.get("customer"), status=params.get("status", "")
        )
        if params.get("urgency"):
            qs = qs.filter(urgency=params["urgency"])
        if text := params.get("search"):
            qs = qs.filter(Q(description__icontains=text) | Q(cause__icontains=text) | Q(resolution__icontains=text))
        return qs.order_by(params.get("ordering", "-received_at"), "-id")

    def fetch(self, pk):
        return policies.get_visible(self.request.user, selectors.complaint_list(user=self.request.user), pk, "customer__")

    def create_record(self, data):
        customer = data.pop("customer")
        return services.complaint_create(actor=self.request.user, customer=customer, data=data)

    def update_record(self, obj, data):
        return services.complaint_update(actor=self.request.user, complaint=obj, data=keep_customer(obj, data))

    def delete_record(self, obj):
        services.complaint_delete(actor=self.request.user, complaint=obj)
