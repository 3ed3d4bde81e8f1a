"""Complaints (R-8.1): deadlines are computed by the service, so they are output only."""
from __future__ import annotations

from rest_framework import serializers

from huike.core.api_serializers import ScopedCustomerField, StrictInputMixin
from huike.service.models import Channel, Complaint, ComplaintStatus, Urgency

COMPLAINT_OUTPUT = [
    "id", "customer", "urgency", "channel", "description", "received_at", "response_due_at", "resolve_due_at",
    "status", "cause", "resolution", "negative", "responded_at", "closed_at", "registered_by",
    "created_at", "updated_at",
]


class ComplaintOutput(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = COMPLAINT_OUTPUT
        read_only_fields = COMPLAINT_OUTPUT


class ComplaintInput(StrictInputMixin, serializers.Serializer):
    customer = ScopedCustomerField()
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    description = serializers.CharField(max_length=5000)
    received_at = serializers.DateTimeField(required=False)
    status = serializers.ChoiceField(choices=ComplaintStatus.choices, required=False)
    cause = serializers.CharField(max_length=100, required=False, allow_blank=True)
    resolution = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    negative = serializers.BooleanField(required=False)

    class Meta:
        read_only_names = COMPLAINT_OUTPUT
