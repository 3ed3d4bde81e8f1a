"""Read-only aggregates for reports, scoped by the caller's role (R-1, R-10). Never writes."""
from __future__ import annotations

from django.db.models import Count

from huike.accounts import policies
from huike.accounts.models import User
from huike.customers.models import Customer

DISTRIBUTION_KEYS = ("industry", "province", "intent", "stage", "value_tier", "value_class", "relationship_type",
                     "source", "segment")


def distribution(*, user: User, by: str) -> list[dict]:
    """[{key, count}] of the user's visible customers grouped by one field, largest first; '' = not set."""
    if by not in DISTRIBUTION_KEYS:
        raise ValueError(by)
    rows = (policies.scoped(user, Customer.objects.all()).values(by).annotate(count=Count("id"))
            .order_by("-count", by))
    return [{"key": "" if r[by] is None else str(r[by]), "count": r["count"]} for r in rows]
