from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class Reminder(models.Model):
    """A task for one user, usually about one customer. `key` makes creation idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="reminders")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.OPEN)
    source = models.CharField(max_length=30)  # strategy | cadence | rule | manual
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["user", "status", "due_at"])]

    def __str__(self) -> str:
        return self.title
