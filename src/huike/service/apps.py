from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "huike.service"
    label = "service"
