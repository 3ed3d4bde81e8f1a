from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .domain.cadence import DIMENSIONS, KINDS


class Method(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("Email")
    ONLINE = "online", _("Online meeting")
    WECHAT = "wechat", _("WeChat")
    OTHER = "other", _("Other")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class FollowUp(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="followups")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    occurred_at = models.DateTimeField(_("time"))
    content = models.TextField(_("content"), max_length=5000)
    feedback = models.TextField(_("customer feedback"), max_length=2000, blank=True)
    next_action = models.CharField(_("next action"), max_length=500, blank=True)
    next_followup_at = models.DateTimeField(_("next follow-up time"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=500, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="followups")
    review_status = models.CharField(
        _("review status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    review_comment = models.CharField(_("review comment"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"]),
            models.Index(fields=["review_status", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.occurred_at:%Y-%m-%d}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.followup.customer_id}/{instance.followup_id}/{filename}"


class Attachment(models.Model):
    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class CadenceRuleRow(models.Model):
    """The cadence rules of R-3.2 as data, editable by admins."""

    dimension = models.CharField(max_length=15, choices=[(d, d) for d in DIMENSIONS])
    value = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=[(k, k) for k in KINDS])
    n = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["dimension", "value"]
        constraints = [models.UniqueConstraint(fields=["dimension", "value"], name="cadence_rule_unique")]
