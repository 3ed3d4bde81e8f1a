"""Customers (R-2.1): field names exactly as the public API promises; computed fields are output only."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from huike.accounts.models import User
from huike.accounts.policies import can_see_contacts
from huike.audit.models import AuditEntry
from huike.classification.evidence import explain_customer
from huike.core.api_serializers import FastOutputMixin, StrictInputMixin
from huike.customers.domain.masking import mask_email, mask_field, mask_phone
from huike.customers.models import Customer, RelationshipType, ValueClass, ValueTier
from huike.customers.selectors import tag_names
from huike.customers.services import EDITABLE_FIELDS

CUSTOMER_OUTPUT = [
    "id", "code", "name", "kind", "industry", "company_size", "customer_type", "contact_name", "contact_title",
    "phone", "email", "credit_code", "province", "city", "district", "address", "source", "first_contact_at",
    "owner", "demand", "budget", "purchase_cycle", "intent", "expected_close_date", "stage", "lost_reason", "tags",
    "remarks", "core_business", "proactive_collaboration", "new_demand", "next_followup_at", "registered_late",
    "created_at", "updated_at", "value_tier", "value_class", "relationship_type", "classification",
]


class TagNamesField(serializers.ListField):
    """Tags travel as a list of names; reading uses the prefetched tags (no query per row)."""

    child = serializers.CharField(max_length=30, allow_blank=True)

    def get_attribute(self, instance):
        if isinstance(instance, Customer):
            return tag_names(instance)  # sorted; one JSON array per row when the list used with_tag_names
        return super().get_attribute(instance)


class CustomerOutput(FastOutputMixin, serializers.ModelSerializer):
    tags = TagNamesField(read_only=True)
    # Unclassified customers carry "" and most have no email: the schema must allow what the API sends.
    email = serializers.CharField(read_only=True)
    value_tier = serializers.ChoiceField(choices=ValueTier.choices, allow_blank=True, read_only=True)
    value_class = serializers.ChoiceField(choices=ValueClass.choices, allow_blank=True, read_only=True)
    relationship_type = serializers.ChoiceField(choices=RelationshipType.choices, allow_blank=True, read_only=True)
    classification = serializers.SerializerMethodField(
        help_text="Each classification result with its evidence in words (R-5), in the request's language.")

    class Meta:
        model = Customer
        fields = [*CUSTOMER_OUTPUT, "version"]  # the version is the ETag; not an export column
        read_only_fields = fields


    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_classification(self, customer: Customer) -> dict:
        return explain_customer(customer)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not can_see_contacts(request.user, instance.owner_id):
            data["phone"], data["email"] = mask_phone(instance.phone), mask_email(instance.email)
        return data


class SimilarCustomer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    message = serializers.CharField()


class CustomerCreated(CustomerOutput):
    warnings = SimilarCustomer(many=True, read_only=True, help_text="Customers with a similar name (not refused).")

    class Meta(CustomerOutput.Meta):
        fields = [*CUSTOMER_OUTPUT, "version", "warnings"]
        read_only_fields = fields


class CustomerInput(StrictInputMixin, serializers.ModelSerializer):
    # Declared by hand: uniqueness is the service's business (409 with the duplicates named, not a 400).
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    credit_code = serializers.CharField(max_length=30, required=False, allow_blank=True)
    tags = TagNamesField(required=False)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False)

    class Meta:
        model = Customer
        fields = [*EDITABLE_FIELDS, "owner", "tags"]
        read_only_names = CUSTOMER_OUTPUT
        validators: list = []


class AuditEntryOutput(serializers.ModelSerializer):
    # context "mask_contacts": the viewer may not see the customer's phone and email, nor their old values

    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "actor_name", "action", "object_type", "object_id", "object_repr", "changes"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("mask_contacts") and isinstance(data.get("changes"), dict):
            data["changes"] = {k: [mask_field(k, v) for v in pair] if isinstance(pair, list) else pair
                               for k, pair in data["changes"].items()}
        return data

    def get_actor_name(self, entry: AuditEntry) -> str:
        return str(entry.actor) if entry.actor_id else ""
