from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "huike.audit"
    label = "audit"
