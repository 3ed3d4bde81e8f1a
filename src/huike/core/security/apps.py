from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Request ids, security headers, login auditing and session hygiene (R-12.1, R-12.5)."""

    name = "huike.core.security"
    label = "security"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import auth_events  # noqa: F401  (connects the auth signal receivers)
