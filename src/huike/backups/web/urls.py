from django.urls import path

from . import views

app_name = "backups"
urlpatterns = [
    path("", views.index, name="index"),
    path("schedule/", views.schedule, name="schedule"),
    path("run/", views.run, name="run"),
]
