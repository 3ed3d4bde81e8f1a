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
