from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from huike.core.api_views import BAD_REQUEST, NOT_FOUND

from ..models import Reminder
from ..selectors import reminder_list
from ..services import reminder_done, reminder_snooze


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
            try:
                due_before = parse_datetime(raw)
            except ValueError:  # well-formed but impossible, e.g. month 13
                due_before = None
            if due_before is None or due_before.tzinfo is None:
                raise ValidationError({"due_before": [_("Enter an ISO date-time with a time zone, e.g. 2026-11-30T18:00:00+08:00.")]})
            # In UTC: the database refuses odd offsets (PostgreSQL allows ±15:59) that Python parses.
            due_before = due_before.astimezone(dt.timezone.utc)
        return reminder_list(user=self.request.user, due_before=due_before)


class SnoozeInput(serializers.Serializer):
    until = serializers.DateTimeField()


class ReminderDoneView(APIView):
    @extend_schema(tags=["reminders"], request=None, responses={200: ReminderOutput, 404: NOT_FOUND})
    def post(self, request, pk: int):
        """Mark one of your reminders done (anyone else's is a 404)."""
        reminder = get_object_or_404(Reminder, pk=pk, user=request.user)
        return Response(ReminderOutput(reminder_done(actor=request.user, reminder=reminder)).data)


class ReminderSnoozeView(APIView):
    @extend_schema(tags=["reminders"], request=SnoozeInput, responses={200: ReminderOutput, 400: BAD_REQUEST,
                                                                       404: NOT_FOUND})
    def post(self, request, pk: int):
        """Move one of your open reminders to a later time."""
        reminder = get_object_or_404(Reminder, pk=pk, user=request.user)
        data = SnoozeInput(data=request.data)
        data.is_valid(raise_exception=True)
        reminder = reminder_snooze(actor=request.user, reminder=reminder, until=data.validated_data["until"])
        return Response(ReminderOutput(reminder).data)
