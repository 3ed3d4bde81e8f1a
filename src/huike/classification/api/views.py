"""Classification API: runs (manager/admin), the approval queue, transitions."""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from huike.core.api_views import BAD_REQUEST, FORBIDDEN, NOT_FOUND

from .. import selectors, services
from ..models import Run

RunOutput = inline_serializer("ClassificationRun", {
    "id": serializers.IntegerField(), "status": serializers.CharField(), "as_of": serializers.DateField(),
    "kind": serializers.CharField(), "progress": serializers.IntegerField(), "counts": serializers.DictField(),
    "error": serializers.CharField()})


class RunInput(serializers.Serializer):
    as_of = serializers.DateField(required=False)

    def to_internal_value(self, data):
        extra = set(getattr(data, "keys", lambda: [])()) - {"as_of"}
        if extra:
            raise ValidationError({k: [_("Unknown field.")] for k in sorted(extra)})
        return super().to_internal_value(data)


def _require_manager(user) -> None:
    if not (user.is_admin or user.is_manager):
        raise PermissionDenied(_("Only managers and admins can run or read classification runs."))


def _run_out(run: Run) -> dict:
    return {"id": run.pk, "status": run.status, "as_of": run.as_of.isoformat(), "kind": run.kind,
            "progress": run.progress, "counts": run.counts, "error": run.error}


class RunListView(APIView):
    @extend_schema(tags=["classification"], request=RunInput,
                   responses={201: RunOutput, 400: BAD_REQUEST, 403: FORBIDDEN})
    def post(self, request):
        """Queue a classification run as of a date (default today); the worker computes it."""
        _require_manager(request.user)
        data = RunInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.run_create(actor=request.user, as_of=data.validated_data.get("as_of"))
        return Response(_run_out(run), status=status.HTTP_201_CREATED)


class RunDetailView(APIView):
    @extend_schema(tags=["classification"], responses={200: RunOutput, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, pk: int):
        _require_manager(request.user)
        run = Run.objects.filter(pk=pk).first()
        if run is None:
            raise NotFound()
        return Response(_run_out(run))


ChangeOutput = inline_serializer("ClassificationChange", many=True, fields={
    "id": serializers.IntegerField(), "customer": serializers.IntegerField(), "customer_name": serializers.CharField(),
    "dimension": serializers.CharField(), "from_value": serializers.CharField(), "to_value": serializers.CharField(),
    "as_of": serializers.DateField(), "status": serializers.CharField()})


class DecideInput(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)
    approve = serializers.BooleanField()


class ApprovalQueueView(APIView):
    @extend_schema(tags=["classification"], responses={200: ChangeOutput, 403: FORBIDDEN})
    def get(self, request):
        """Value-class changes waiting for your approval (R-5.2)."""
        _require_manager(request.user)
        rows = selectors.approval_queue(user=request.user)[:500]
        return Response([{"id": c.pk, "customer": c.customer_id, "customer_name": c.customer.name,
                          "dimension": "value_class", "from_value": c.value_class_from, "to_value": c.value_class_to,
                          "as_of": c.as_of.isoformat(), "status": c.status} for c in rows])

    @extend_schema(tags=["classification"], request=DecideInput,
                   responses={200: inline_serializer("Decided", {"decided": serializers.IntegerField()}),
                              400: BAD_REQUEST, 403: FORBIDDEN})
    def post(self, request):
        """Approve or reject pending changes in bulk; ids outside your team are ignored."""
        _require_manager(request.user)
        data = DecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        n = services.change_decide(actor=request.user, change_ids=data.validated_data["ids"],
                                   approve=data.validated_data["approve"])
        return Response({"decided": n})


class TransitionsView(APIView):
    @extend_schema(tags=["classification"], responses={
        200: OpenApiResponse(description="[{from, to, count}]"), 400: BAD_REQUEST})
    def get(self, request):
        """How many customers moved from which class to which between two dates (R-5.6), within your scope."""
        errors = {}
        dimension = request.query_params.get("dimension", "relationship_type")
        if dimension not in ("value_tier", "value_class", "relationship_type"):
            errors["dimension"] = [_("Choose value_tier, value_class or relationship_type.")]
        dates = {}
        for name in ("start", "end"):
            try:
                dates[name] = dt.date.fromisoformat(request.query_params.get(name, ""))
            except ValueError:
                errors[name] = [_("Enter a date as YYYY-MM-DD.")]
        if not errors and dates["start"] >= dates["end"]:
            errors["end"] = [_("The end date must be after the start date.")]
        if errors:
            raise ValidationError(errors)
        return Response(selectors.transitions(user=request.user, dimension=dimension, **dates))
