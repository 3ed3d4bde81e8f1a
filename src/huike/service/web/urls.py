from django.urls import path

from . import views

app_name = "service"
urlpatterns: list = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_create, name="create"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/edit/", views.complaint_edit, name="edit"),
    path("<int:pk>/delete/", views.complaint_delete, name="delete"),
    path("surveys/new/", views.survey_create, name="survey_create"),
]
