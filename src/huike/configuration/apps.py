from django.apps import AppConfig


class ConfigurationConfig(AppConfig):
    """Admin-editable settings rows: choice lists, cadence rules, complaint deadlines."""

    name = "huike.configuration"
    label = "configuration"
