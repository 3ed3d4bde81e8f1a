"""Token login, the current user, teams and users: thin views over accounts.policies and accounts.services."""
from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from huike.accounts import policies, services
from huike.accounts.models import Team, User
from huike.core.api_views import BAD_REQUEST, THROTTLED, ResourceViewSet, crud_schema
from huike.core.errors import NotFound

from .filters import TeamFilter, UserFilter
from .serializers import TeamInput, TeamOutput, TokenInput, TokenOutput, UserInput, UserOutput


class TokenView(APIView):
    """Exchange a user name and password for an API token (header `Authorization: Token <token>`)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["auth"], request=TokenInput, responses={200: TokenOutput, 400: BAD_REQUEST, 429: THROTTLED})
    def post(self, request):
        serializer = TokenInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The plain HttpRequest: django-axes marks a locked-out login on it, and its middleware answers 429.
        user = authenticate(request._request, **serializer.validated_data)
        if user is None:
            raise ValidationError({"non_field_errors": [_("The user name or password is incorrect.")]})
        token, _created = Token.objects.get_or_create(user=user)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)  # audit, axes reset
        return Response({"token": token.key})


class MeView(APIView):
    @extend_schema(tags=["auth"], responses={200: UserOutput})
    def get(self, request):
        """The signed-in user, with the effective role (admin for superusers)."""
        return Response(UserOutput(request.user).data)


@crud_schema(tag="teams", input_serializer=TeamInput, output_serializer=TeamOutput)
class TeamViewSet(ResourceViewSet):
    """Every signed-in user may read the teams; only admins change them."""

    queryset = Team.objects.none()
    input_serializer_class = TeamInput
    output_serializer_class = TeamOutput
    filterset_class = TeamFilter

    def select(self, params):
        qs = Team.objects.all()
        if params.get("search"):
            qs = qs.filter(name__icontains=params["search"])
        return qs.order_by(params.get("ordering", "name"), "id")

    def fetch(self, pk):
        try:
            return Team.objects.get(pk=pk)
        except (Team.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None

    def validated_input(self, instance=None, partial=False):
        policies.require_admin(self.request.user)  # 403 before any word about the input
        return super().validated_input(instance, partial)

    def create_record(self, data):
        return services.team_create(actor=self.request.user, data=data)

    def update_record(self, obj, data):
        return services.team_update(actor=self.request.user, team=obj, data=data)

    def delete_record(self, obj):
        services.team_delete(actor=self.request.user, team=obj)


@crud_schema(tag="users", input_serializer=UserInput, output_serializer=UserOutput)
class UserViewSet(ResourceViewSet):
    """Admins see and change everyone; a manager sees the team, a rep only themself (others: 404)."""

    queryset = User.objects.none()
    input_serializer_class = UserInput
    output_serializer_class = UserOutput
    filterset_class = UserFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # deactivate instead of delete

    def select(self, params):
        qs = policies.users_visible(self.request.user)
        if text := params.get("search"):
            qs = qs.filter(Q(username__icontains=text) | Q(display_name__icontains=text) | Q(email__icontains=text))
        for field in ("role", "team", "is_active"):
            if field in params:
                qs = qs.filter(**{field: params[field]})
        return qs.order_by(params.get("ordering", "username"), "id")

    def fetch(self, pk):
        try:
            return policies.users_visible(self.request.user).get(pk=pk)
        except (User.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None

    def validated_input(self, instance=None, partial=False):
        policies.require_admin(self.request.user)  # 403 before any word about the input
        return super().validated_input(instance, partial)

    def create_record(self, data):
        return services.user_create(actor=self.request.user, data=data)

    def update_record(self, obj, data):
        return services.user_update(actor=self.request.user, user=obj, data=data)
