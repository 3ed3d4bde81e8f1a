from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    # own context: the menu's "Customers" (客户管理) reads wrong in "3 rows of …"
    CUSTOMERS = "customers", pgettext_lazy("import kind", "Customers")
    ORDERS = "orders", pgettext_lazy("import kind", "Orders")
    FOLLOWUPS = "followups", pgettext_lazy("import kind", "Follow-ups")


class OnDuplicate(models.TextChoices):
    SKIP = "skip", _("Skip the row")
    UPDATE = "update", _("Update the existing record")


class ImportStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")  # the wizard's mapping and preview steps; the API never leaves one
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One uploaded spreadsheet and its import (R-11.1). Rows are committed in batches with the checkpoint."""

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    on_duplicate = models.CharField(max_length=6, choices=OnDuplicate.choices, default=OnDuplicate.SKIP)
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    file_path = models.CharField(max_length=300)  # relative to HUIKE_DATA_DIR
    original_name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=4)  # csv | xlsx
    encoding = models.CharField(max_length=20, blank=True)  # csv only
    language = models.CharField(max_length=10, default="zh-hans")  # the uploader's: row messages are in it
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)  # {"<column index>": "<field>"}
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed_rows = models.PositiveIntegerField(default=0)
    # The spreadsheet row number of the last row whose batch committed (header = row 1, so 1 = none yet).
    checkpoint = models.PositiveIntegerField(default=1)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.kind})"

    @property
    def processed(self) -> int:
        return self.created + self.updated + self.skipped + self.failed_rows

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return min(100, int(100 * self.processed / self.total)) if self.total else 0


class ImportRowError(models.Model):
    """A row that was not imported, with the field and the reason (written with its batch)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField()
    field = models.CharField(max_length=40)
    message = models.TextField()

    class Meta:
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "row"])]


class ImportMapping(models.Model):
    """The column mapping a user chose last time for a kind, by normalised header text."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    columns = models.JSONField(default=dict)  # {"<normalised header>": "<field>" or ""}
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="import_mapping_user_kind")]
