import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    OFF = "off", _("Off")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class BackupSchedule(models.Model):
    """The one schedule row (pk 1): when the worker takes a backup and how many it keeps (R-11.3)."""

    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.OFF)
    at = models.TimeField(default=dt.time(2, 0))  # local time (TIME_ZONE)
    weekday = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(6)])  # Monday 0
    keep = models.PositiveSmallIntegerField(default=7, validators=[MinValueValidator(1), MaxValueValidator(365)])
    # The time the last scheduled backup was claimed, or the schedule last changed: slots after it are due.
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"backup schedule {self.frequency} {self.at:%H:%M}"
