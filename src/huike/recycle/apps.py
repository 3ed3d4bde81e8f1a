from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecycleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "huike.recycle"
    verbose_name = _("Recycle bin")
