from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One recorded change: who, when, what, before/after. Written explicitly by services."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=30)  # create / update / delete / review / assign / merge ...
    object_type = models.CharField(max_length=50)
    object_id = models.BigIntegerField(null=True)
    object_repr = models.CharField(max_length=200, blank=True)
    customer_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict)  # {field: [before, after]}

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["customer_id", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"
