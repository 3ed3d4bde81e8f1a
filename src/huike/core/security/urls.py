from django.urls import path

from . import web

urlpatterns = [
    path("password/", web.password_change_view, name="password_change"),
]
