from django.urls import path

from . import admin_views

app_name = "accounts"
urlpatterns: list = [
    path("settings/users/", admin_views.user_list, name="users"),
    path("settings/users/new/", admin_views.user_create, name="user_create"),
    path("settings/users/<int:pk>/", admin_views.user_edit, name="user_edit"),
    path("settings/teams/", admin_views.team_list, name="teams"),
    path("settings/teams/new/", admin_views.team_create, name="team_create"),
    path("settings/teams/<int:pk>/", admin_views.team_edit, name="team_edit"),
    path("settings/teams/<int:pk>/delete/", admin_views.team_delete, name="team_delete"),
]
