from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "huike.notifications"
    label = "notifications"
