from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from huike.core.api_views import NOT_FOUND

from ..models import Notification
from ..selectors import notification_list, unread_count
from ..services import mark_all_read, mark_read


class NotificationOutput(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "kind", "read", "read_at", "created_at"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationListView(ListAPIView):
    serializer_class = NotificationOutput
    filter_backends: list = []

    @extend_schema(tags=["notifications"], parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL)])
    def get(self, request, *args, **kwargs):
        """Your notifications, newest first; `unread=true` lists only the unread ones."""
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unread = self.request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        return notification_list(user=self.request.user, unread_only=unread)


COUNT = inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})


class UnreadCountView(APIView):
    @extend_schema(tags=["notifications"], responses={200: COUNT})
    def get(self, request):
        """How many of your notifications are unread (the header badge)."""
        return Response({"unread": unread_count(request.user)})


class MarkReadView(APIView):
    @extend_schema(tags=["notifications"], request=None, responses={200: NotificationOutput, 404: NOT_FOUND})
    def post(self, request, pk: int):
        """Mark one of your notifications read (anyone else's is a 404)."""
        notification = get_object_or_404(Notification, pk=pk, user=request.user)
        return Response(NotificationOutput(mark_read(actor=request.user, notification=notification)).data)


class MarkAllReadView(APIView):
    @extend_schema(tags=["notifications"], request=None, responses={200: COUNT})
    def post(self, request):
        """Mark all your notifications read."""
        mark_all_read(actor=request.user)
        return Response({"unread": 0})
