from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ThresholdSet(models.Model):
    """Every saved version of the thresholds (R-5); the newest is in force."""

    values = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-id"]


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RunKind(models.TextChoices):
    """What started a run: someone (the page, the API, the command) or the schedule."""
    MANUAL = "manual", pgettext_lazy("classification run", "Manual")
    MONTHLY = "monthly", pgettext_lazy("classification run", "Monthly")
    QUARTERLY = "quarterly", pgettext_lazy("classification run", "Quarterly")


class Run(models.Model):
    """One classification run over all customers as of a date."""

    as_of = models.DateField()
    kind = models.CharField(max_length=12, choices=RunKind.choices, default=RunKind.MANUAL)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    thresholds = models.JSONField(default=dict)
    # what a one-customer reclassification needs from the run: tier cut amounts, RFM cuts, k-means model
    model = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"run {self.pk} as of {self.as_of}"


class ChangeStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    PENDING = "pending", _("Waiting for approval")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")


DIMENSIONS = ("value_tier", "value_class", "relationship_type")


class Inputs(models.Model):
    """The rules' inputs a classification was made from (domain.features.Features, under the same names):
    amounts in fen, dates as day ordinals (0: none), and the day the customer entered its funnel stage
    (R-5.4). Typed columns, not a JSON document (ADR 0028)."""

    stage_since = models.DateField(null=True)
    amt_annual = models.BigIntegerField(default=0)
    cnt_annual = models.IntegerField(default=0)
    amt_class = models.BigIntegerField(default=0)
    amt_tier = models.BigIntegerField(default=0)
    amt_recent = models.BigIntegerField(default=0)
    amt_before_recent = models.BigIntegerField(default=0)
    cnt_growth = models.IntegerField(default=0)
    cnt_growth_prev = models.IntegerField(default=0)
    orders_ever = models.IntegerField(default=0)
    last_order = models.IntegerField(default=0)
    first_coop = models.IntegerField(default=0)
    complaints_annual = models.IntegerField(default=0)
    nonrenewed_streak = models.IntegerField(default=0)
    core_business = models.BooleanField(default=False)
    proactive = models.BooleanField(default=False)
    new_demand = models.BooleanField(default=False)

    class Meta:
        abstract = True

    def _evidence(self, *, as_of, thresholds, value_tier: str, value_class: str, pending: bool,
                  relationship_type: str) -> dict:
        """The evidence document evidence.explain reads (booleans as 1 and 0, a blank tier as None); the
        concrete model has the run."""
        from .domain.features import FEATURE_NAMES

        return {
            "run": self.run_id, "thresholds": thresholds, "as_of": as_of.isoformat() if as_of else None,
            "stage_since": self.stage_since.isoformat() if self.stage_since else None,
            "features": {name: int(getattr(self, name)) for name in FEATURE_NAMES},
            "value_tier": value_tier or None, "value_class": value_class, "value_class_pending": pending,
            "relationship_type": relationship_type,
        }


class Change(Inputs):
    """A customer's classifications before and after one run or reclassification (R-5.6), with the evidence
    that made them: one row per customer and run, written when any of the three moved. The evidence is the
    rules' inputs of that run (Inputs) and its threshold set, so a change can be explained after later runs
    have restated the customer's result.

    One row, not one per dimension (ADR 0027): a first run at 1,000,000 customers wrote 3,000,000 rows, 14 s
    of the server's time on PostgreSQL; a row per customer takes 4 s. A dimension changed where its `_from`
    and `_to` differ. `status` is the value class change's (R-5.2: it may wait for a manager); a value tier
    or relationship type change always takes effect.
    """

    # Only the indexes the readers need, and partial ones for the few pending or decided rows. The
    # (customer, -as_of) index serves the customer foreign key too. No foreign key constraints in the
    # database for the customer and the run (ADR 0024): a first run writes a million rows, and PostgreSQL
    # checked each at commit. The writer writes rows only for the customers and the run it has just read;
    # deleting either goes through Django's cascade.
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="classification_changes",
                                 db_index=False, db_constraint=False)
    as_of = models.DateField()
    value_tier_from = models.CharField(max_length=10, blank=True)
    value_tier_to = models.CharField(max_length=10, blank=True)
    value_class_from = models.CharField(max_length=10, blank=True)
    value_class_to = models.CharField(max_length=10, blank=True)  # the computed class, pending or not
    relationship_type_from = models.CharField(max_length=15, blank=True)
    relationship_type_to = models.CharField(max_length=15, blank=True)
    # no index either: nothing reads the history by run (runs are kept)
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes",
                            db_constraint=False, db_index=False)
    # the ThresholdSet's id (0: the built-in defaults); None: a change recorded before the history kept its
    # evidence (classification migration 0011)
    threshold_set = models.IntegerField(null=True)
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.APPLIED)
    # no database constraint either: PostgreSQL queued a deferred check for each of a first run's rows, NULL
    # as they all are; deleting a user goes through Django's SET_NULL
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False, db_constraint=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        indexes = [
            models.Index(fields=["as_of"], name="classification_change_as_of"),
            models.Index(fields=["customer", "-as_of"]),
            models.Index(fields=["created_at", "id"], condition=Q(status="pending"), name="classification_pending"),
            models.Index(fields=["decided_by"], condition=Q(decided_by__isnull=False), name="classification_decided_by"),
        ]

    def moved(self, dimension: str) -> bool:
        """Whether this change moved the dimension (for the value class: whether it was computed to move)."""
        return getattr(self, f"{dimension}_from") != getattr(self, f"{dimension}_to")

    def moves(self) -> dict[str, list[str]]:
        """{dimension: [from, to]} of the dimensions that took effect: a value class only once applied."""
        return {d: [getattr(self, f"{d}_from"), getattr(self, f"{d}_to")] for d in DIMENSIONS
                if self.moved(d) and (d != "value_class" or self.status == ChangeStatus.APPLIED)}

    @property
    def evidence(self) -> dict:
        """What made the change, as the document evidence.explain reads ({} for a change recorded before the
        history kept its evidence)."""
        if self.threshold_set is None:
            return {}
        return self._evidence(as_of=self.as_of, thresholds=self.threshold_set, value_tier=self.value_tier_to,
                              value_class=self.value_class_to, pending=self.status == ChangeStatus.PENDING,
                              relationship_type=self.relationship_type_to)


class Strategy(models.Model):
    """The management strategy of a class (R-6): service level, owner, cadence, core actions."""

    dimension = models.CharField(max_length=20)  # relationship_type | value_class
    value = models.CharField(max_length=20)
    service_level = models.CharField(_("service level"), max_length=200)
    owner_role = models.CharField(_("who owns it"), max_length=200)
    contact_frequency = models.CharField(_("contact frequency"), max_length=200)
    core_actions = models.TextField(_("core actions"), help_text=_("One task per line; each becomes a reminder."))
    task_due_days = models.PositiveSmallIntegerField(_("tasks due within (days)"), default=7)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["dimension", "value"]
        constraints = [models.UniqueConstraint(fields=["dimension", "value"], name="strategy_unique")]

    def actions(self) -> list[str]:
        return [line.strip() for line in self.core_actions.splitlines() if line.strip()]


class Result(Inputs):
    """A customer's latest classification with its evidence and RFM scores (R-5): one narrow row per customer.

    Kept apart from the wide customer row: a monthly run restates the evidence of nearly every customer with
    orders (the windows move), and a narrow row with one index costs a fraction of an update of the customer
    row (its many list indexes and report triggers). The three results lists and reports filter by (value
    tier, value class, relationship type) stay on the customer and are written only when they change.

    The evidence is typed columns, not a JSON document (ADR 0028): the rules' inputs (Inputs), the run, its
    threshold set and date, and the results. `evidence` gives them as the document the pages and the API state
    in words (evidence.explain). At 1,000,000 customers on PostgreSQL, COPYing the results took 6.9 s as
    `json` documents (514 bytes a row) and 2.0 s as these columns.
    """

    # no database constraint, like Change.customer (ADR 0024): a first run writes a million rows
    customer = models.OneToOneField("customers.Customer", primary_key=True, on_delete=models.CASCADE,
                                    related_name="classification_result", db_constraint=False)
    run = models.ForeignKey(Run, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False,
                            db_index=False)  # None: a one-customer reclassification
    threshold_set = models.IntegerField(default=0)  # the ThresholdSet's id; 0: the built-in defaults
    classified_on = models.DateField(null=True)  # the as-of date
    # the results as computed: the value tier is blank when no run's cut points exist yet; the value class may
    # wait for a manager (pending) while the customer keeps its applied one
    value_tier = models.CharField(max_length=10, blank=True)
    value_class = models.CharField(max_length=10, blank=True)
    value_class_pending = models.BooleanField(default=False)
    relationship_type = models.CharField(max_length=15, blank=True)
    rfm_r = models.PositiveSmallIntegerField(null=True)
    rfm_f = models.PositiveSmallIntegerField(null=True)
    rfm_m = models.PositiveSmallIntegerField(null=True)
    segment = models.PositiveSmallIntegerField(null=True)
    hash = models.BigIntegerField(default=0)  # fingerprint of results and evidence: a run writes what moved

    class Meta:
        db_table = "classification_result"

    @property
    def evidence(self) -> dict:
        """The stored evidence as one document (evidence.explain reads it; the API states it in words)."""
        return {**self._evidence(as_of=self.classified_on, thresholds=self.threshold_set, value_tier=self.value_tier,
                                 value_class=self.value_class, pending=self.value_class_pending,
                                 relationship_type=self.relationship_type),
                "rfm": [self.rfm_r, self.rfm_f, self.rfm_m] if self.rfm_r else None, "segment": self.segment}
