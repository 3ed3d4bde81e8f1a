from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from huike.core.api_views import BAD_REQUEST

from .. import selectors

DistributionRows = inline_serializer("DistributionRow", many=True,
                                     fields={"key": serializers.CharField(), "count": serializers.IntegerField()})


class DistributionView(APIView):
    @extend_schema(tags=["reports"], parameters=[OpenApiParameter("by", OpenApiTypes.STR, required=True,
                                                                  enum=list(selectors.DISTRIBUTION_KEYS))],
                   responses={200: DistributionRows, 400: BAD_REQUEST})
    def get(self, request):
        """How your visible customers spread over one field (R-10), as the stored classification says."""
        by = request.query_params.get("by", "")
        if by not in selectors.DISTRIBUTION_KEYS:
            raise ValidationError({"by": [_("Choose one of: %(keys)s.") % {"keys": ", ".join(selectors.DISTRIBUTION_KEYS)}]})
        return Response(selectors.distribution(user=request.user, by=by))
