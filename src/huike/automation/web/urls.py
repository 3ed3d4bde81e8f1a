from django.urls import path

from . import views

app_name = "automation"
urlpatterns = [
    path("", views.reminders, name="reminders"),
    path("<int:pk>/done/", views.reminder_complete, name="reminder_done"),
    path("<int:pk>/snooze/", views.reminder_snooze_view, name="reminder_snooze"),
    path("suggestions/<int:pk>/", views.suggestion_view, name="suggestion"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/new-link/", views.calendar_token_reset, name="calendar_token"),
    path("calendar/<str:token>.ics", views.ical_feed, name="ical"),
]
