"""Follow-ups (R-3.1): authors write the record; the review fields change only through the review action."""
from __future__ import annotations

from rest_framework import serializers

from huike.core.api_serializers import ScopedCustomerField, StrictInputMixin
from huike.followups.models import Attachment, FollowUp, Method

FOLLOWUP_OUTPUT = [
    "id", "customer", "method", "occurred_at", "content", "feedback", "next_action", "next_followup_at", "result",
    "author", "review_status", "review_comment", "reviewed_by", "reviewed_at", "attachments",
    "created_at", "updated_at",
]


class AttachmentOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type"]
        read_only_fields = fields


class FollowUpOutput(serializers.ModelSerializer):
    attachments = AttachmentOutput(many=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = FOLLOWUP_OUTPUT
        read_only_fields = FOLLOWUP_OUTPUT


class FollowUpUpdateInput(StrictInputMixin, serializers.Serializer):
    customer = ScopedCustomerField()
    method = serializers.ChoiceField(choices=Method.choices)
    occurred_at = serializers.DateTimeField(required=False)
    content = serializers.CharField(max_length=5000)
    feedback = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    next_action = serializers.CharField(max_length=500, required=False, allow_blank=True)
    next_followup_at = serializers.DateTimeField(required=False, allow_null=True)
    result = serializers.CharField(max_length=500, required=False, allow_blank=True)

    class Meta:
        read_only_names = FOLLOWUP_OUTPUT


class FollowUpCreateInput(FollowUpUpdateInput):
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, write_only=True,
        help_text="Files (multipart/form-data): PDF, images, Office documents; the service checks type and size.",
    )


class ReviewInput(StrictInputMixin, serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("return", "return")])
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
