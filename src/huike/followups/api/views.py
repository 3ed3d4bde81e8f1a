"""Follow-ups: thin views over followups.selectors and followups.services, plus the review action."""
from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from huike.core.api_views import BAD_REQUEST, FORBIDDEN, NOT_FOUND, ResourceViewSet, crud_schema, keep_customer
from huike.core.errors import FieldErrors
from huike.followups import selectors, services
from huike.followups.models import FollowUp

from .filters import FollowUpFilter
from .serializers import FollowUpCreateInput, FollowUpOutput, FollowUpUpdateInput, ReviewInput


@crud_schema(tag="followups", input_serializer=FollowUpUpdateInput, output_serializer=FollowUpOutput,
             create_input=FollowUpCreateInput)
class FollowUpViewSet(ResourceViewSet):
    """Follow-ups (R-3.1); create accepts multipart with files in `attachments`. Reps cannot delete."""

    queryset = FollowUp.objects.none()
    input_serializer_class = FollowUpUpdateInput
    output_serializer_class = FollowUpOutput
    filterset_class = FollowUpFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        if self.action == "create":
            return FollowUpCreateInput
        if self.action == "review":
            return ReviewInput
        return super().get_serializer_class()

    def validated_input(self, instance=None, partial=False):
        serializer_class = FollowUpCreateInput if instance is None else FollowUpUpdateInput
        serializer = serializer_class(instance, data=self.request.data, partial=partial,
                                      context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def select(self, params):
        qs = selectors.followup_list(
            user=self.request.user, customer_id=params.get("customer"), review_status=params.get("review_status", "")
        )
        if params.get("method"):
            qs = qs.filter(method=params["method"])
        if params.get("author"):
            qs = qs.filter(author_id=params["author"])
        if text := params.get("search"):
            qs = qs.filter(Q(content__icontains=text) | Q(feedback__icontains=text) | Q(result__icontains=text))
        return qs.order_by(params.get("ordering", "-occurred_at"), "-id")

    def fetch(self, pk):
        return selectors.followup_get(user=self.request.user, pk=pk)

    def create_record(self, data):
        customer = data.pop("customer")
        files = data.pop("attachments", [])
        return services.followup_create(actor=self.request.user, customer=customer, data=data, files=files)

    def update_record(self, obj, data):
        return services.followup_update(actor=self.request.user, followup=obj, data=keep_customer(obj, data))

    def delete_record(self, obj):
        services.followup_delete(actor=self.request.user, followup=obj)

    @extend_schema(tags=["followups"], request=ReviewInput,
                   responses={200: FollowUpOutput, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Approve, or return with a comment (审核) — managers and admins."""
        followup = self.fetch(pk)
        serializer = ReviewInput(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            services.followup_review(actor=request.user, followup=followup, **serializer.validated_data)
        except FieldErrors as exc:
            # The service names the stored field; this endpoint's input calls it `comment`.
            raise FieldErrors({("comment" if k == "review_comment" else k): v for k, v in exc.errors.items()}) from None
        return Response(self.output(self.fetch(pk)).data)
