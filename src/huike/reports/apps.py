from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "huike.reports"
    label = "reports"
