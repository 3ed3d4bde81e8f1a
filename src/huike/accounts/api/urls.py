from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import MeView, TeamViewSet, TokenView, UserViewSet

router = SimpleRouter()
router.register("teams", TeamViewSet, basename="team")
router.register("users", UserViewSet, basename="user")
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
