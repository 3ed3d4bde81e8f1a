from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "huike.classification"
    label = "classification"
