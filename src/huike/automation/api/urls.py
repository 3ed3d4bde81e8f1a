from django.urls import path

from .views import ReminderDoneView, ReminderListView, ReminderSnoozeView

urlpatterns = [
    path("reminders/", ReminderListView.as_view(), name="reminder-list"),
    path("reminders/<int:pk>/done/", ReminderDoneView.as_view(), name="reminder-done"),
    path("reminders/<int:pk>/snooze/", ReminderSnoozeView.as_view(), name="reminder-snooze"),
]
