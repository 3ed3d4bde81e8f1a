from django.urls import path

from . import views

app_name = "configuration"
urlpatterns = [
    path("", views.index, name="index"),
    path("options/add/", views.option_add, name="option_add"),
    path("options/<int:pk>/", views.option_edit, name="option_edit"),
    path("cadence/<int:pk>/", views.cadence_edit, name="cadence_edit"),
    path("deadlines/<int:pk>/", views.deadline_edit, name="deadline_edit"),
]
