"""The sales summary stays exact through every kind of change, on both engines (it is kept by triggers)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from huike.customers.services import customer_assign, customer_delete
from huike.reports import summary
from huike.reports.models import OwnerDaySales
from huike.testing.factories import make_customer, make_order
from huike.transactions.models import Order
from huike.transactions.services import order_delete, order_update

pytestmark = pytest.mark.django_db


def kept():
    return sorted((r.owner_id, r.day, Decimal(r.amount).quantize(Decimal("0.01")), r.orders)
                  for r in OwnerDaySales.objects.exclude(orders=0))


def rebuilt():
    summary.rebuild(connection)
    return kept()


def test_summary_follows_order_writes_reassignment_and_soft_delete(org):
    day1, day2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
    a = make_customer(org.ra1)
    b = make_customer(org.ra2)
    o1 = make_order(a, org.ra1, date=day1, amount=Decimal("100.10"))
    make_order(a, org.ra1, date=day1, amount=Decimal("50.00"))
    make_order(b, org.ra2, date=day2, amount=Decimal("7.00"))
    assert kept() == [(org.ra1.pk, day1, Decimal("150.10"), 2), (org.ra2.pk, day2, Decimal("7.00"), 1)]
    # an order moves to another day and changes amount; another is deleted
    order_update(actor=org.ra1, order=o1, data={"date": day2, "amount": Decimal("200.00")})
    order_delete(actor=org.ma, order=Order.objects.get(customer=b))
    assert kept() == [(org.ra1.pk, day1, Decimal("50.00"), 1), (org.ra1.pk, day2, Decimal("200.00"), 1)]
    # the customer changes hands: its orders count for the new owner
    customer_assign(actor=org.ma, customer=a, owner=org.ra2)
    assert kept() == [(org.ra2.pk, day1, Decimal("50.00"), 1), (org.ra2.pk, day2, Decimal("200.00"), 1)]
    # a soft-deleted customer's orders leave the reports, as the customer leaves every list
    snapshot = kept()
    customer_delete(actor=org.ma, customer=a)
    assert kept() == []
    assert rebuilt() == [] and snapshot != []


def test_summary_equals_a_rebuild_from_the_orders(book):
    before = kept()
    assert len(before) == 6 and before == rebuilt()


def facts():
    from huike.reports.models import CustomerFact

    return sorted(CustomerFact.objects.values_list("customer_id", "reached", "potential_days", "potential_stays",
                                                   "intent_days", "intent_stays", "lost_stays", "first_followup_at"))


def test_customer_facts_follow_stage_moves_and_follow_ups_and_equal_a_rebuild(book):
    from huike.followups.models import FollowUp
    from huike.reports import facts as customer_facts
    from huike.reports.models import CustomerFact

    # c3: potential 3 days, intent 27 days, then lost; first follow-up 2026-03-01 11:00
    c3 = CustomerFact.objects.get(customer_id=book.c3.pk)
    assert (c3.reached, round(c3.potential_days, 3), c3.potential_stays, round(c3.intent_days, 3), c3.intent_stays,
            c3.lost_stays) == (1, 3.0, 1, 27.0, 1, 0)
    assert c3.first_followup_at.isoformat() == "2026-03-01T03:00:00+00:00"
    # deleting c1's first follow-up moves its first follow-up to the next one (2026-01-15 10:00 local)
    FollowUp.objects.filter(customer=book.c1).order_by("occurred_at").first().delete()
    assert CustomerFact.objects.get(customer_id=book.c1.pk).first_followup_at.isoformat() == "2026-01-15T02:00:00+00:00"
    kept_by_triggers = facts()
    customer_facts.rebuild(connection)
    assert facts() == kept_by_triggers and len(kept_by_triggers) == 7


def all_facts():
    from huike.reports import facts as customer_facts

    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(customer_facts.COLUMNS)} FROM reports_customerfact ORDER BY customer_id")
        return [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in cur.fetchall()]


def test_facts_copy_the_customer_through_every_write_and_equal_a_rebuild(org):
    from huike.customers.models import Customer
    from huike.customers.services import customer_update
    from huike.followups.models import FollowUp
    from huike.reports import facts as customer_facts
    from huike.reports.models import CustomerFact
    from huike.testing.factories import make_followup

    # given customers created, moved along the funnel, followed up, reassigned, reclassified and deleted
    a, b, c, d = (make_customer(org.ra1) for _ in range(4))
    row = CustomerFact.objects.get(customer_id=a.pk)
    assert (row.owner_id, row.stage, row.intent, row.created_at, row.deleted_at) == (
        org.ra1.pk, a.stage, a.intent, a.created_at, None)
    customer_update(actor=org.ra1, customer=a, data={"stage": "intent", "intent": "high"})
    customer_update(actor=org.ra1, customer=a, data={"stage": "lost", "lost_reason": "price"})
    make_followup(b, org.ra1)
    FollowUp.objects.filter(customer=b).delete()
    make_followup(b, org.ra1)
    customer_assign(actor=org.ma, customer=b, owner=org.ra2)
    Customer.objects.filter(pk=c.pk).update(value_tier="high", created_at=a.created_at - dt.timedelta(days=40))
    customer_delete(actor=org.ma, customer=c)
    Customer.objects.filter(pk=d.pk).delete()
    # then each live or soft-deleted customer has one row with its current columns
    a.refresh_from_db()
    row = CustomerFact.objects.get(customer_id=a.pk)
    assert (row.stage, row.intent, row.lost_reason, row.stage_changed_at, row.reached) == (
        "lost", "high", "price", a.stage_changed_at, 1)
    assert CustomerFact.objects.get(customer_id=b.pk).owner_id == org.ra2.pk
    row = CustomerFact.objects.get(customer_id=c.pk)
    assert (row.value_tier, row.deleted_at is not None) == ("high", True)
    assert not CustomerFact.objects.filter(customer_id=d.pk).exists()
    # and what the triggers kept equals a computation from scratch
    kept_by_triggers = all_facts()
    customer_facts.rebuild(connection)
    assert all_facts() == kept_by_triggers and len(kept_by_triggers) == 3


def test_a_paused_mirror_syncs_in_bulk_and_a_failed_block_changes_nothing(book):
    from django.db import transaction

    from huike.customers.models import Customer
    from huike.reports import facts as customer_facts
    from huike.reports.models import CustomerFact, OwnerDayFacts

    org = book.org
    ids = [book.c1.pk, book.c2.pk, book.c7.pk]  # ra1's customers: high, high, none
    only = f"SELECT id FROM customers_customer WHERE owner_id = {org.ra1.pk}"

    def tiers():
        return [CustomerFact.objects.get(customer_id=pk).value_tier for pk in ids]

    def high_value():
        return sum(OwnerDayFacts.objects.filter(owner_id=org.ra1.pk).values_list("high_value", flat=True))
    assert (tiers(), high_value()) == (["high", "high", ""], 2)
    # given a bulk writer that changes ra1's customers' tiers with the row mirror paused
    with transaction.atomic(), customer_facts.mirror_paused(connection, only):
        Customer.objects.filter(owner=org.ra1).update(value_tier="medium")
        # then inside the block the facts wait for the sync
        assert tiers() == ["high", "high", ""]
    # then after it the facts and the day rollup are synced, and equal a rebuild
    assert (tiers(), high_value()) == (["medium", "medium", "medium"], 0)
    kept_facts, kept_rollup = all_facts(), rollup_rows()
    customer_facts.rebuild(connection)
    assert (all_facts(), rollup_rows()) == (kept_facts, kept_rollup)
    # when a paused block fails, nothing it wrote stays
    with pytest.raises(RuntimeError), transaction.atomic(), customer_facts.mirror_paused(connection, only):
        Customer.objects.filter(owner=org.ra1).update(value_tier="high")
        raise RuntimeError("the run failed")
    assert (tiers(), high_value()) == (["medium", "medium", "medium"], 0)
    # and the next plain write is mirrored row by row again
    Customer.objects.filter(pk=book.c7.pk).update(value_tier="high")
    assert (tiers(), high_value()) == (["medium", "medium", "high"], 1)


def test_a_paused_mirror_syncs_only_the_moved_customers_twice_in_one_transaction(book):
    from django.db import transaction

    from huike.customers.models import Customer
    from huike.reports import facts as customer_facts
    from huike.reports.models import CustomerFact

    org = book.org
    only = f"SELECT id FROM customers_customer WHERE owner_id = {org.ra1.pk}"
    # given one transaction with two paused blocks over ra1's customers: the first moves one tier and one
    # value class (not mirrored), the second one tier back
    with transaction.atomic():
        with customer_facts.mirror_paused(connection, only):
            Customer.objects.filter(pk=book.c1.pk).update(value_tier="low")
            Customer.objects.filter(pk=book.c2.pk).update(value_class="key")
        with customer_facts.mirror_paused(connection, only):
            Customer.objects.filter(pk=book.c1.pk).update(value_tier="medium")
    # then the facts hold the last tiers, and the facts and the day rollup equal a rebuild
    tiers = [CustomerFact.objects.get(customer_id=c.pk).value_tier for c in (book.c1, book.c2, book.c7)]
    assert tiers == ["medium", "high", ""]
    kept_facts, kept_rollup = all_facts(), rollup_rows()
    customer_facts.rebuild(connection)
    assert (all_facts(), rollup_rows()) == (kept_facts, kept_rollup)


def stage_rows():
    from huike.reports.models import OwnerStageCount

    return sorted(OwnerStageCount.objects.exclude(customers=0).values_list("owner_id", "stage", "customers"))


def test_stage_counts_follow_creates_moves_reassignment_and_deletes_and_equal_a_rebuild(org):
    from huike.customers.models import Customer
    from huike.customers.services import customer_update
    from huike.reports import selectors, stages

    # given four potential customers of ra1 and one of rb1
    a, b, c, d = (make_customer(org.ra1) for _ in range(4))
    make_customer(org.rb1)
    assert stage_rows() == [(org.ra1.pk, "potential", 4), (org.rb1.pk, "potential", 1)]
    # when one moves on, one changes hands, one is soft-deleted and one deleted for good
    customer_update(actor=org.ra1, customer=a, data={"stage": "intent"})
    customer_assign(actor=org.ma, customer=b, owner=org.ra2)
    customer_delete(actor=org.ma, customer=c)
    Customer.objects.filter(pk=d.pk).delete()
    # then the counts follow, equal a rebuild, and each role's pie counts what it may see
    expected = [(org.ra1.pk, "intent", 1), (org.ra2.pk, "potential", 1), (org.rb1.pk, "potential", 1)]
    assert stage_rows() == expected
    stages.rebuild(connection)
    assert stage_rows() == expected
    assert selectors.stage_counts(user=org.admin) == [{"key": "potential", "count": 2}, {"key": "intent", "count": 1}]
    assert selectors.stage_counts(user=org.ma) == [{"key": "intent", "count": 1}, {"key": "potential", "count": 1}]
    assert selectors.stage_counts(user=org.ra2) == [{"key": "potential", "count": 1}]
    assert selectors.stage_counts(user=org.rb1) == [{"key": "potential", "count": 1}]
    for user in (org.admin, org.ma, org.ra1, org.rb1):
        assert selectors.stage_counts(user=user) == selectors.distribution(user=user, by="stage")


def rollup_rows():
    from huike.reports import rollup
    from huike.reports.models import OwnerDayFacts

    rows = OwnerDayFacts.objects.order_by("owner_id", "day").values_list("owner_id", "day", *rollup.METRICS)
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in r) for r in rows if r[2]]


def test_the_per_day_rollup_follows_the_facts_and_sums_like_the_facts_for_any_period(book):
    from huike.customers.models import Customer
    from huike.customers.services import customer_update
    from huike.reports import rollup
    from huike.reports.filters import ReportFilters
    from huike.reports.selectors._facts import fact_sums
    from huike.testing.factories import make_followup

    org = book.org
    # given writes of every kind after the book was built
    customer_update(actor=org.ra1, customer=book.c4, data={"stage": "intent", "intent": "high"})
    make_followup(book.c4, org.ra2)
    customer_assign(actor=org.ma, customer=book.c2, owner=org.ra2)
    customer_delete(actor=org.mb, customer=book.c5)
    Customer.objects.filter(pk=book.c7.pk).update(created_at=dt.datetime(2026, 3, 1, 1, tzinfo=dt.timezone.utc))
    # then the rollup equals a rebuild from the facts: ra1 c1 (01-10), c7 (03-01); ra2 c2 (02-05), c3 (03-01),
    # c4 (04-01); rb1 c6 (2025-12-01); c5 is deleted
    kept = rollup_rows()
    rollup.rebuild(connection)
    assert rollup_rows() == kept
    assert [(r[0], r[1].isoformat(), r[2]) for r in kept] == [
        (org.ra1.pk, "2026-01-10", 1), (org.ra1.pk, "2026-03-01", 1), (org.ra2.pk, "2026-02-05", 1),
        (org.ra2.pk, "2026-03-01", 1), (org.ra2.pk, "2026-04-01", 1), (org.rb1.pk, "2025-12-01", 1)]
    # and for periods cut anywhere, rollup days + edge facts equal the facts summed directly
    tz = dt.timezone(dt.timedelta(hours=8))
    for start, end in ((dt.datetime(2026, 1, 10, 5, tzinfo=tz), dt.datetime(2026, 3, 1, 23, tzinfo=tz)),
                       (None, dt.datetime(2026, 2, 5, 10, 30, tzinfo=tz)), (None, None),
                       (dt.datetime(2026, 3, 1, 9, tzinfo=tz), dt.datetime(2026, 3, 1, 11, tzinfo=tz))):
        for user in (org.admin, org.ma, org.ra2, org.rb1):
            from huike.reports.filters import customer_q
            from huike.reports.models import CustomerFact

            qs = CustomerFact.objects.filter(customer_q(user, ReportFilters()))
            qs = qs.filter(created_at__gte=start) if start else qs
            qs = qs.filter(created_at__lt=end) if end else qs
            direct = {k: {m: round(v, 6) for m, v in row.items()} for k, row in rollup.edge_sums(qs).items()}
            summed = {k: {m: round(v, 6) for m, v in row.items()} for k, row in
                      fact_sums(user, ReportFilters(), start, end).items() if row["customers"]}
            assert summed == direct, (start, end, user)


def test_overdue_counts_equal_the_overdue_list_through_writes_and_a_rebuild(book):
    from django.utils import timezone

    from huike.customers.models import Customer
    from huike.customers.selectors import overdue_customers
    from huike.customers.services import customer_update
    from huike.reports import due, selectors
    from huike.reports.models import OwnerDueCount

    org, now = book.org, timezone.now()

    def same_as_the_list():
        for user in (org.admin, org.ma, org.mb, org.ra1, org.ra2, org.rb1):
            listed: dict = {}
            for c in overdue_customers(user=user, now=now):
                listed[c.owner_id] = listed.get(c.owner_id, 0) + 1
            assert selectors.overdue_counts(user=user, now=now) == listed, user
    # the book: c2 (ra1) and c4 (ra2) overdue; c3 lost without a plan is not
    assert selectors.overdue_counts(user=org.admin, now=now) == {org.ra1.pk: 1, org.ra2.pk: 1}
    same_as_the_list()
    # due earlier today (read from the customers), a plan on the lost one, reassignment, deletion
    Customer.objects.filter(pk=book.c5.pk).update(next_followup_at=now - dt.timedelta(seconds=5))
    Customer.objects.filter(pk=book.c3.pk).update(next_followup_reason="planned")
    customer_assign(actor=org.ma, customer=book.c2, owner=org.ra2)
    customer_delete(actor=org.ma, customer=book.c4)
    customer_update(actor=org.rb1, customer=book.c6, data={"stage": "lost", "lost_reason": "price"})
    same_as_the_list()
    kept = sorted(OwnerDueCount.objects.exclude(customers=0).values_list("owner_id", "day", "customers"))
    due.rebuild(connection)
    assert sorted(OwnerDueCount.objects.exclude(customers=0).values_list("owner_id", "day", "customers")) == kept


def test_a_paused_tier_mirror_adds_the_high_value_difference_in_one_pass(book):
    from django.db import transaction

    from huike.customers.models import Customer
    from huike.reports import facts as customer_facts
    from huike.reports.models import CustomerFact, OwnerDayFacts

    org = book.org
    only = f"SELECT id FROM customers_customer WHERE owner_id = {org.ra1.pk}"

    def high_value():
        return sum(OwnerDayFacts.objects.filter(owner_id=org.ra1.pk).values_list("high_value", flat=True))
    assert high_value() == 2
    # given a bulk writer that names the tier as the only mirrored column it moves: one high customer down,
    # the untiered one up, and a value class (not mirrored) changed
    with transaction.atomic(), customer_facts.mirror_paused(connection, only, ("value_tier",)):
        Customer.objects.filter(pk=book.c1.pk).update(value_tier="low")
        Customer.objects.filter(pk=book.c7.pk).update(value_tier="high")
        Customer.objects.filter(pk=book.c2.pk).update(value_class="key")
    # then the facts hold the new tiers and ra1 still has two high-value customers
    tiers = [CustomerFact.objects.get(customer_id=c.pk).value_tier for c in (book.c1, book.c2, book.c7)]
    assert (tiers, high_value()) == (["low", "high", "high"], 2)
    # and the facts and the day rollup equal a rebuild
    kept_facts, kept_rollup = all_facts(), rollup_rows()
    customer_facts.rebuild(connection)
    assert (all_facts(), rollup_rows()) == (kept_facts, kept_rollup)


def test_the_one_pass_rollup_update_sums_only_the_metrics_reading_the_moved_columns():
    from huike.reports import rollup

    # given the rollup's metrics, when the tier moves, then only the high-value count is updated
    sql = rollup.moved_sql("postgresql", "true", ("value_tier",))
    assert sql.startswith("UPDATE reports_ownerdayfacts SET high_value = reports_ownerdayfacts.high_value + "
                          "s.high_value FROM (")
    assert "SUM((CASE WHEN c.value_tier = 'high' THEN 1 ELSE 0 END) - (CASE WHEN f.value_tier = 'high' " in sql
    # when the stage moves, then the metrics reading it are updated, the facts-only `reached` read as it is
    sql = rollup.moved_sql("sqlite", "true", ("stage",))
    assert [part.split(" = ")[0] for part in sql.split(" FROM (")[0].removeprefix(
        "UPDATE reports_ownerdayfacts SET ").split(", ")] == ["reached_1", "reached_2", "lost_now",
                                                              "high_intent_closed"]
    assert "c.stage IN ('intent', 'closed') OR f.reached >= 1" in sql
    # when a column no metric reads moves, then there is nothing to update
    assert rollup.moved_sql("sqlite", "true", ("lost_reason",)) is None


def test_a_paused_mirror_without_ids_is_refused_unless_it_reads_a_writer_table():
    from huike.reports import facts as customer_facts

    # given no ids and the customers as the source, when the mirror is paused, then it is refused before
    # anything is paused (the sync would have no customers to limit it)
    with pytest.raises(ValueError, match="needs the ids"), customer_facts.mirror_paused(connection, None):
        pass
