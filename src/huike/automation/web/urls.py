from django.urls import path

from . import views

app_name = "automation"
urlpatterns = [
    path("", views.reminders, name="reminders"),
    path("<int:pk>/done/", views.reminder_complete, name="reminder_done"),
]
