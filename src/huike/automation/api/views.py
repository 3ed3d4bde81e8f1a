from __future__ import annotations

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView

from huike.core.api_views import BAD_REQUEST

from ..models import Reminder
from ..selectors import reminder_list


class ReminderOutput(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", default="", read_only=True)

    class Meta:
        model = Reminder
        fields = ["id", "customer", "customer_name", "title", "body", "due_at", "status", "source", "created_at"]


class ReminderListView(ListAPIView):
    serializer_class = ReminderOutput
    filter_backends: list = []

    @extend_schema(tags=["reminders"], parameters=[OpenApiParameter("due_before", OpenApiTypes.DATETIME)],
                   responses={200: ReminderOutput(many=True), 400: BAD_REQUEST})
    def get(self, request, *args, **kwargs):
        """Your open reminders, soonest first; `due_before` limits them to those due before a moment."""
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        raw = self.request.query_params.get("due_before")
        due_before = None
        if raw:
            due_before = parse_datetime(raw)
            if due_before is None or due_before.tzinfo is None:
                raise ValidationError({"due_before": [_("Enter an ISO date-time with a time zone, e.g. 2026-11-30T18:00:00+08:00.")]})
        return reminder_list(user=self.request.user, due_before=due_before)
