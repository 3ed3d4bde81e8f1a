"""Exports (R-11.2), duplicate scans and merges with their undo (R-2.3)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Export(models.Model):
    """One export of the customer list: what was asked, and for a large one the zipped file it produced."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=4)  # csv | xlsx
    fields = models.JSONField(default=list)
    filters = models.JSONField(default=dict)
    search = models.CharField(max_length=200, blank=True)
    sort = models.CharField(max_length=30, blank=True)
    labels = models.BooleanField(default=True)
    background = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    file = models.CharField(max_length=300, blank=True)  # relative to HUIKE_DATA_DIR
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.format}, {self.rows} rows)"


class DuplicateScan(models.Model):
    """A batch scan of one user's scope; `groups` is [{reason, key, ids, score}], best first."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    scanned = models.PositiveIntegerField(default=0)
    groups = models.JSONField(default=list)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]


class MergeRecord(models.Model):
    """What one merge moved and changed, so that it can be undone exactly within 30 days."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    keep = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    moved = models.JSONField(default=dict)  # {"app.model": [ids]} re-pointed from other to keep
    tags_added = models.JSONField(default=list)  # tag ids keep gained
    keep_before = models.JSONField(default=dict)  # keep's fields the merge changed: values before …
    keep_after = models.JSONField(default=dict)  # … and right after
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"merge {self.pk}: {self.other_id} → {self.keep_id}"
