"""Remove what `huike demo` created: the demo users, their teams and their customers with all history."""
from __future__ import annotations

from django.db import transaction

from huike.accounts.models import Team, User
from huike.customers.models import Customer, StageChange
from huike.followups.models import FollowUp
from huike.service.models import Complaint
from huike.transactions.models import Contract, Order

from .data import TEAM_NAMES
from .users import DEMO_USERNAMES


@transaction.atomic
def reset_demo() -> int:
    """Returns the number of customers removed. Other users' data is left alone."""
    users = User.objects.filter(username__in=DEMO_USERNAMES)
    customers = Customer.objects.filter(owner__in=users)
    count = customers.count()
    # Big child tables first, as single DELETE statements, so a 100,000-customer reset stays fast.
    for model in (Order, Contract, Complaint, StageChange):
        model.objects.filter(customer__in=customers).delete()
    FollowUp.objects.filter(customer__in=customers).delete()
    FollowUp.objects.filter(author__in=users).delete()
    Customer.tags.through.objects.filter(customer__in=customers).delete()
    customers.delete()
    Team.objects.filter(name__in=TEAM_NAMES).update(manager=None)
    User.objects.filter(pk__in=list(users.values_list("pk", flat=True))).update(team=None)
    users.delete()
    Team.objects.filter(name__in=TEAM_NAMES, members__isnull=True).delete()
    return count
