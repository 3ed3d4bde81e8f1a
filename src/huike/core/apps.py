from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "huike.core"
    label = "core"
