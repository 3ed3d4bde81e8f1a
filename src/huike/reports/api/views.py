"""The report API of API.md (distribution, sales, funnel): the same selectors as the pages, scoped by R-1."""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from huike.core.api_views import BAD_REQUEST
from huike.core.errors import FieldErrors

from .. import selectors
from ..filters import parse_filters

FILTER_PARAMS = [
    OpenApiParameter("period_start", OpenApiTypes.DATE, description="First day of the period (inclusive)."),
    OpenApiParameter("period_end", OpenApiTypes.DATE, description="Last day of the period (inclusive)."),
    OpenApiParameter("team", OpenApiTypes.INT, description="A team id; outside your scope it selects nothing."),
    OpenApiParameter("owner", OpenApiTypes.INT, description="An owner id; outside your scope it selects nothing."),
]
DistributionRows = inline_serializer("DistributionRow", many=True,
                                     fields={"key": serializers.CharField(), "count": serializers.IntegerField()})
SalesRows = inline_serializer("SalesRow", many=True, fields={
    "key": serializers.CharField(), "label": serializers.CharField(), "amount": serializers.DecimalField(14, 2),
    "orders": serializers.IntegerField(), "customers": serializers.IntegerField()})
FunnelRows = inline_serializer("FunnelRow", many=True, fields={
    "stage": serializers.CharField(), "count": serializers.IntegerField(),
    "conversion_rate": serializers.FloatField(allow_null=True), "avg_days": serializers.FloatField(allow_null=True)})


def _choice(request, name: str, keys) -> str:
    value = request.query_params.get(name, "")
    if value not in keys:
        raise FieldErrors({name: [_("Choose one of: %(keys)s.") % {"keys": ", ".join(keys)}]})
    return value


class DistributionView(APIView):
    @extend_schema(tags=["reports"], parameters=[OpenApiParameter("by", OpenApiTypes.STR, required=True,
                                                                  enum=list(selectors.DISTRIBUTION_KEYS)),
                                                 *FILTER_PARAMS],
                   responses={200: DistributionRows, 400: BAD_REQUEST})
    def get(self, request):
        """How your visible customers (created in the period, if given) spread over one field (R-10)."""
        by = _choice(request, "by", selectors.DISTRIBUTION_KEYS)
        return Response(selectors.distribution(user=request.user, by=by, filters=parse_filters(request.query_params)))


class SalesView(APIView):
    @extend_schema(tags=["reports"], parameters=[OpenApiParameter("by", OpenApiTypes.STR, required=True,
                                                                  enum=list(selectors.SALES_KEYS)), *FILTER_PARAMS],
                   responses={200: SalesRows, 400: BAD_REQUEST})
    def get(self, request):
        """Orders dated in the period, by owner (key = owner id) or by month (key = YYYY-MM): amount, orders,
        customers with orders."""
        by = _choice(request, "by", selectors.SALES_KEYS)
        return Response(selectors.sales(user=request.user, by=by, filters=parse_filters(request.query_params)))


class FunnelView(APIView):
    @extend_schema(tags=["reports"], parameters=FILTER_PARAMS, responses={200: FunnelRows, 400: BAD_REQUEST})
    def get(self, request):
        """Customers created in the period: how many reached each stage, the share that went on to the next
        stage, and the average days spent in each stage; "lost" counts the customers lost now."""
        return Response(selectors.funnel(user=request.user, filters=parse_filters(request.query_params)))
