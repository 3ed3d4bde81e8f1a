from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Encrypted logical backups, their schedule and retention, and restore (R-11.3)."""

    name = "huike.backups"
    label = "backups"
