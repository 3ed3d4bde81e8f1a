from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message in one user's notification centre. `key` (when given) makes it idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=30, default="info")
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    IM = "im", _("Instant message")


class ChannelPreference(models.Model):
    """Which channels, besides the in-app centre, a user wants notifications on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    email = models.BooleanField(_("email"), default=False)
    sms = models.BooleanField(_("SMS"), default=False)
    im = models.BooleanField(_("instant message"), default=False)
    phone = models.CharField(_("mobile phone for SMS"), max_length=30, blank=True)
    im_handle = models.CharField(_("IM account"), max_length=100, blank=True)

    def enabled_channels(self) -> list[str]:
        return [c for c in (Channel.EMAIL, Channel.SMS, Channel.IM) if getattr(self, c)]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """Outbox row: one notification on one channel. Written in the notify() transaction, so a
    worker that dies mid-way leaves it pending and the periodic sweep sends it later."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
