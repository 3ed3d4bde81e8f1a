from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "huike.automation"
    label = "automation"
