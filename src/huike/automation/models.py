from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class Reminder(models.Model):
    """A task for one user, usually about one customer. `key` makes creation idempotent."""

    # No database constraints on the two keys (ADR 0026): a monthly classification run creates hundreds of
    # thousands of strategy tasks, and PostgreSQL checked both keys of each at commit (4 s at 1M customers).
    # Reminders are written for users and customers read in the same transaction; deleting either goes through
    # Django's cascade, and a purge waits for a run in progress (classification.locks).
    # Neither is the user's key indexed on its own: (user, status, due_at) serves every read by user, and a
    # monthly run's 419,114 strategy tasks took 5.2 s with that index and the key's LIKE index, 4.1 s without.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders",
                             db_constraint=False, db_index=False)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="reminders", db_constraint=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.OPEN)
    source = models.CharField(max_length=30)  # strategy | cadence | rule | manual
    key = models.CharField(max_length=200)  # unique (Meta): a constraint, without PostgreSQL's LIKE index
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["user", "status", "due_at"])]
        constraints = [models.UniqueConstraint(fields=["key"], name="automation_reminder_key_unique")]

    def __str__(self) -> str:
        return self.title


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", _("On a schedule")
    CUSTOMER_CREATED = "customer_created", _("Customer created")
    CUSTOMER_CHANGED = "customer_changed", _("Customer changed")
    FOLLOWUP_ADDED = "followup_added", _("Follow-up added")
    CLASSIFICATION_CHANGED = "classification_changed", _("Classification changed")


class Rule(models.Model):
    """An automation rule (R-7.1) stored as data: trigger + conditions + actions.

    `builtin` names the rules of R-7.2 that a fresh install creates (editable and switchable like any other).
    """

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    builtin = models.CharField(max_length=40, unique=True, null=True, blank=True)
    trigger = models.CharField(_("trigger"), max_length=30, choices=Trigger.choices)
    schedule = models.JSONField(_("schedule"), default=dict, blank=True)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class RuleRun(models.Model):
    """One scheduled occurrence of a rule; unique per period so a second tick or worker does nothing."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs")
    period = models.CharField(max_length=30)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    matched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "period"], name="rule_run_once_per_period")]


class Event(models.Model):
    """Outbox of record events, written in the same transaction as the change; processed by the worker."""

    kind = models.CharField(max_length=30, choices=Trigger.choices)
    customer = models.ForeignKey("customers.Customer", null=True, on_delete=models.CASCADE, related_name="+")
    changes = models.JSONField(default=dict, blank=True)
    caused_by_rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["processed_at", "id"])]


class ActionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ActionRun(models.Model):
    """One action of one rule for one record and one event or period. The unique key is what makes a
    rule run twice for the same event do one thing; a pending row survives a worker's death."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="action_runs")
    key = models.CharField(max_length=200, unique=True)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    action = models.JSONField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


class Cursor(models.Model):
    """How far the worker has read an append-only table it watches (e.g. classification changes)."""

    name = models.CharField(max_length=40, unique=True)
    position = models.BigIntegerField(default=0)


class SuggestionRule(models.Model):
    """R-3.3: a keyword in a saved follow-up suggests a change of one customer field."""

    keyword = models.CharField(_("keyword"), max_length=60)
    field = models.CharField(_("field"), max_length=30)  # stage | intent
    value = models.CharField(_("new value"), max_length=30)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Suggestion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    followup = models.ForeignKey("followups.FollowUp", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=30)
    value = models.CharField(max_length=30)
    keyword = models.CharField(max_length=60)
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["followup", "field"], name="one_suggestion_per_field")]


class CalendarToken(models.Model):
    """The secret in a user's iCalendar feed URL; regenerating it cuts off old subscriptions."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)
