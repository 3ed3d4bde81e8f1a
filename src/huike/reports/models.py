"""Summary rows kept by the database itself, so company-wide sales reports stay fast at 10,000,000 orders."""
from django.db import models


class OwnerDaySales(models.Model):
    """Order amount and count per owner and order day, over live customers; kept exact by triggers on
    orders (insert/update/delete) and on customers (owner change, soft delete) — see summary.py."""

    owner_id = models.BigIntegerField()
    day = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    orders = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner_id", "day"], name="reports_owner_day_unique")]
        indexes = [models.Index(fields=["day", "owner_id"], name="reports_day_owner_idx")]


class CustomerFact(models.Model):
    """Per customer: the furthest funnel stage recorded, the days spent in each stage (sum and number of
    completed stays) and the first follow-up time; recomputed for one customer by triggers on its stage moves
    and follow-ups (facts.py), so the funnel and follow-up reports read one narrow row per customer.

    The customer columns those reports and the health report group and filter by are copied here by a trigger
    on customers (same names, so accounts.policies.customer_scope applies to this model unchanged)."""

    customer_id = models.BigIntegerField(primary_key=True)
    reached = models.SmallIntegerField(default=0)  # 0 potential, 1 intent, 2 closed
    potential_days = models.FloatField(null=True)
    potential_stays = models.IntegerField(default=0)
    intent_days = models.FloatField(null=True)
    intent_stays = models.IntegerField(default=0)
    closed_days = models.FloatField(null=True)
    closed_stays = models.IntegerField(default=0)
    lost_days = models.FloatField(null=True)
    lost_stays = models.IntegerField(default=0)
    first_followup_at = models.DateTimeField(null=True)
    # copies of the customer's columns (facts.MIRRORED)
    owner = models.ForeignKey("accounts.User", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="+")
    deleted_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(null=True)
    stage = models.CharField(max_length=10, blank=True)
    intent = models.CharField(max_length=10, blank=True)
    first_contact_at = models.DateTimeField(null=True)
    stage_changed_at = models.DateTimeField(null=True)
    value_tier = models.CharField(max_length=10, blank=True)
    lost_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        # the few customers in the recycle bin: "live" as an anti-join with these (reports.filters.binned)
        indexes = [models.Index(fields=["customer_id"], condition=models.Q(deleted_at__isnull=False),
                                name="reports_fact_binned")]


class OwnerStageCount(models.Model):
    """Live customers per owner and funnel stage, kept exact by triggers on customers (stages.py): the
    dashboard's customer count and stage pie without counting every customer."""

    owner_id = models.BigIntegerField()
    stage = models.CharField(max_length=10)
    customers = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner_id", "stage"], name="reports_owner_stage_unique")]


class OwnerDayFacts(models.Model):
    """The live customers' facts summed per owner and creation day (UTC date), kept exact by triggers on
    CustomerFact (rollup.py): the funnel, follow-up and health reports add a few hundred rows per owner."""

    owner_id = models.BigIntegerField()
    day = models.DateField()
    customers = models.IntegerField(default=0)
    reached_1 = models.IntegerField(default=0)
    reached_2 = models.IntegerField(default=0)
    lost_now = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    response_hours = models.FloatField(default=0)
    high_intent = models.IntegerField(default=0)
    high_intent_closed = models.IntegerField(default=0)
    high_value = models.IntegerField(default=0)
    potential_days = models.FloatField(default=0)
    potential_stays = models.IntegerField(default=0)
    intent_days = models.FloatField(default=0)
    intent_stays = models.IntegerField(default=0)
    closed_days = models.FloatField(default=0)
    closed_stays = models.IntegerField(default=0)
    lost_days = models.FloatField(default=0)
    lost_stays = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner_id", "day"], name="reports_owner_fact_day_unique")]
        indexes = [models.Index(fields=["day", "owner_id"], name="reports_fact_day_idx")]


class OwnerDueCount(models.Model):
    """Customers due for a follow-up per owner and due day (UTC date), kept exact by triggers on customers
    (due.py): "overdue now" adds the days before today instead of counting every past-due customer."""

    owner_id = models.BigIntegerField()
    day = models.DateField()
    customers = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner_id", "day"], name="reports_owner_due_unique")]
        indexes = [models.Index(fields=["day", "owner_id"], name="reports_due_day_idx")]
