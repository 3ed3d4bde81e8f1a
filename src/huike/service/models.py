from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Urgency(models.TextChoices):
    GENERAL = "general", _("General")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    FORM = "form", _("CRM form")
    PLATFORM = "platform", _("Third-party platform")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESPONDED = "responded", _("Responded")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")  # the funnel stage "Closed" is 成交


class Complaint(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="complaints")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.GENERAL)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    description = models.TextField(_("description"), max_length=5000)
    received_at = models.DateTimeField(_("received at"))
    response_due_at = models.DateTimeField(_("response deadline"))
    resolve_due_at = models.DateTimeField(_("resolution deadline"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    cause = models.CharField(_("cause category"), max_length=100, blank=True)
    resolution = models.TextField(_("resolution"), max_length=5000, blank=True)
    negative = models.BooleanField(_("negative feedback"), default=True)
    registered_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["customer", "-received_at"]), models.Index(fields=["status", "response_due_at"])]

    def __str__(self) -> str:
        return f"{self.get_urgency_display()} {self.received_at:%Y-%m-%d}"


class ComplaintDeadline(models.Model):
    """Response and resolution deadlines per urgency (R-8.1), editable by admins."""

    urgency = models.CharField(max_length=10, choices=Urgency.choices, unique=True)
    response_hours = models.PositiveIntegerField()
    resolve_hours = models.PositiveIntegerField()


class SatisfactionSurvey(models.Model):
    """A satisfaction survey (回访, R-8.3): after a complaint closes, or a periodic call on a customer.

    The owner and team are copied when the answer is recorded, so a later reassignment does not move the
    score to the next owner (the report groups by who served the customer when it was asked)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="surveys")
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys")
    score = models.PositiveSmallIntegerField(_("satisfaction score"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    nps = models.PositiveSmallIntegerField(_("likelihood to recommend (0-10)"), null=True, blank=True)
    owner = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("surveyed at"), db_index=True)
    # The customer's narrow facts row (reports.CustomerFact: owner and deletion copied there by triggers),
    # joined on the customer id without a column of its own: the service report scopes surveys through it
    # instead of the wide customer rows.
    fact = models.ForeignObject("reports.CustomerFact", from_fields=["customer"], to_fields=["customer_id"],
                                on_delete=models.DO_NOTHING, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.score}/5 {self.created_at:%Y-%m-%d}"
