"""The recycle bin (R-12.2) for records without a deleted_at column of their own.

Customers are soft-deleted in place (Customer.deleted_at). Follow-ups, orders, contracts and complaints are
read in some forty places; rather than teach each of them a second filter, a deleted record leaves its table
and waits here as its serialized rows (itself plus what hangs on it, e.g. attachments), restorable under its
old ids. Attachment files stay on disk until the record is purged.
"""
from django.conf import settings
from django.db import models


class BinnedRecord(models.Model):
    object_type = models.CharField(max_length=50)  # app_label.model, as in the audit log
    object_id = models.BigIntegerField()
    customer_id = models.BigIntegerField(null=True, db_index=True)
    object_repr = models.CharField(max_length=200)
    rows = models.JSONField()  # django's "python" serialization of the record and its children, parents first
    files = models.JSONField(default=list)  # storage names to delete on purge
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    deleted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-deleted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["object_type", "object_id"], name="binned_record_unique")]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id}"
