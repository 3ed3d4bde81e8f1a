from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditImmutable(Exception):
    """An audit entry was about to be changed or deleted through the app (R-12.1: the record is append-only)."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutable("audit entries cannot be changed")

    def delete(self):
        raise AuditImmutable("audit entries cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutable("audit entries cannot be changed")

    def bulk_create(self, objs, *args, **kwargs):
        # Bulk inserts would skip the hash chain; audit_record is the only way in.
        raise AuditImmutable("audit entries are appended one by one through audit_record")


class AuditEntry(models.Model):
    """One recorded change: who, when, what, before/after. Written explicitly by services.

    Append-only: each row carries the hash of the row before it and of its own canonical content
    (audit/chain.py), so a row changed or deleted behind the app's back is found by `huike audit verify`.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    # No database constraint: deleting a user must not rewrite (SET NULL) the rows that name them.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False)
    action = models.CharField(max_length=30)  # create / update / delete / review / assign / merge / login ...
    object_type = models.CharField(max_length=50)
    object_id = models.BigIntegerField(null=True)
    object_repr = models.CharField(max_length=200, blank=True)
    customer_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict)  # {field: [before, after]}
    request_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    ip = models.CharField(max_length=45, blank=True, default="")
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["customer_id", "-at"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["action", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        # A guard, not business logic: rows are inserted once and never rewritten.
        if not self._state.adding:
            raise AuditImmutable("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable("audit entries cannot be deleted")


class AuditChainHead(models.Model):
    """The single row that holds the newest entry's hash: writers lock it (SELECT … FOR UPDATE on
    PostgreSQL; SQLite serialises writers anyway), so concurrent requests never fork the chain, and
    deleting the newest entries is caught too."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True, default="")
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain head #{self.last_id}"
