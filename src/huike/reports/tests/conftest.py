"""A small hand-built book whose report answers are written out in the tests.

Period used by the tests: 2026-01-01 … 2026-06-30 (local time, Asia/Shanghai).
c1..c5 are created in the period, c6 before it (lost inside it), c7 after it.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from huike.customers.models import Customer, StageChange
from huike.followups.models import FollowUp
from huike.service.models import Complaint
from huike.testing.factories import make_complaint, make_customer, make_followup, make_order

PERIOD = {"period_start": "2026-01-01", "period_end": "2026-06-30"}


def at(year, month, day, hour=10):
    return timezone.make_aware(dt.datetime(year, month, day, hour, 0))


def _customer(owner, created, *, moves, **fields):
    """A customer created at `created` whose stage moves are exactly `moves` [(from, to, at)]."""
    c = make_customer(owner)
    StageChange.objects.filter(customer=c).delete()
    StageChange.objects.bulk_create([StageChange(customer=c, from_stage=f, to_stage=t, at=when)
                                     for f, t, when in moves])
    Customer.objects.filter(pk=c.pk).update(created_at=created, stage=moves[-1][1], stage_changed_at=moves[-1][2],
                                            **fields)
    return c


def _complaint(customer, actor, **fields):
    k = make_complaint(customer, actor)
    Complaint.objects.filter(pk=k.pk).update(**fields)
    return k


@pytest.fixture
def book(org):
    ra1, ra2, rb1 = org.ra1, org.ra2, org.rb1
    c1 = _customer(ra1, at(2026, 1, 10), industry="it", source="web", intent="high", value_tier="high",
                   first_contact_at=at(2026, 1, 10, 8),
                   moves=[("", "potential", at(2026, 1, 10)), ("potential", "intent", at(2026, 1, 20)),
                          ("intent", "closed", at(2026, 2, 9))])
    c2 = _customer(ra1, at(2026, 2, 5), industry="it", source="fair", intent="high", value_tier="high",
                   moves=[("", "potential", at(2026, 2, 5)), ("potential", "intent", at(2026, 2, 10))])
    c3 = _customer(ra2, at(2026, 3, 1), industry="retail", source="web", intent="low", value_tier="high",
                   lost_reason="price", first_contact_at=at(2026, 3, 1, 9),
                   moves=[("", "potential", at(2026, 3, 1)), ("potential", "intent", at(2026, 3, 4)),
                          ("intent", "lost", at(2026, 3, 31))])
    c4 = _customer(ra2, at(2026, 4, 1), industry="", source="web", intent="medium", value_tier="low",
                   moves=[("", "potential", at(2026, 4, 1))])
    c5 = _customer(rb1, at(2026, 5, 1), industry="retail", source="fair", intent="high", value_tier="medium",
                   first_contact_at=at(2026, 5, 1, 10),
                   moves=[("", "potential", at(2026, 5, 1)), ("potential", "closed", at(2026, 5, 7))])
    c6 = _customer(rb1, at(2025, 12, 1), industry="finance", source="web", intent="low", value_tier="high",
                   lost_reason="competitor",
                   moves=[("", "potential", at(2025, 12, 1)), ("potential", "lost", at(2026, 2, 1))])
    c7 = _customer(ra1, at(2026, 8, 1), industry="it", source="ads", intent="high",
                   moves=[("", "potential", at(2026, 8, 1))])
    for c, day, amount in ((c1, (2026, 1, 15), "1000.00"), (c1, (2026, 3, 10), "2000.00"), (c2, (2026, 3, 20), "500.50"),
                           (c5, (2026, 5, 10), "3000.00"), (c6, (2025, 12, 15), "700.00"), (c7, (2026, 8, 5), "900.00")):
        make_order(c, c.owner, date=dt.date(*day), amount=Decimal(amount))
    for c, when in ((c1, at(2026, 1, 10, 12)), (c1, at(2026, 1, 15)), (c2, at(2026, 2, 6)), (c3, at(2026, 3, 1, 11)),
                    (c5, at(2026, 5, 1, 16))):
        f = make_followup(c, c.owner)
        FollowUp.objects.filter(pk=f.pk).update(occurred_at=when)
    _complaint(c1, ra1, urgency="critical", cause="delivery", received_at=at(2026, 2, 1),
               response_due_at=at(2026, 2, 1, 12), responded_at=at(2026, 2, 1, 11),
               resolve_due_at=at(2026, 2, 2), closed_at=at(2026, 2, 3), status="closed")
    _complaint(c3, ra2, urgency="urgent", cause="quality", received_at=at(2026, 3, 5),
               response_due_at=at(2026, 3, 5, 18), responded_at=at(2026, 3, 5, 20),
               resolve_due_at=at(2026, 3, 7), closed_at=at(2026, 3, 6), status="closed")
    _complaint(c5, rb1, urgency="general", cause="delivery", received_at=at(2026, 5, 2),
               response_due_at=at(2026, 5, 3), responded_at=None, resolve_due_at=at(2026, 5, 10), closed_at=None,
               status="open")
    _complaint(c6, rb1, urgency="general", cause="", received_at=at(2025, 11, 1),
               response_due_at=at(2025, 11, 2), resolve_due_at=at(2025, 11, 5))
    # Follow-up plans last, after the services' cadence: c2 and c4 overdue; c3 lost with no plan (not overdue).
    now = timezone.now()
    Customer.objects.filter(pk__in=[c1.pk, c5.pk, c6.pk, c7.pk]).update(next_followup_at=now + dt.timedelta(days=3))
    Customer.objects.filter(pk=c2.pk).update(next_followup_at=now - dt.timedelta(days=1), next_followup_reason="planned")
    Customer.objects.filter(pk=c4.pk).update(next_followup_at=now - dt.timedelta(days=2),
                                             next_followup_reason="stage:potential")
    Customer.objects.filter(pk=c3.pk).update(next_followup_at=now - dt.timedelta(days=5), next_followup_reason="")
    return SimpleNamespace(org=org, c1=c1, c2=c2, c3=c3, c4=c4, c5=c5, c6=c6, c7=c7)
