"""Merging two customers (R-2.3): everything moves, empty fields are filled, one audit entry, exact undo."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huike.audit.models import AuditEntry
from huike.automation.models import Reminder
from huike.core.api_testing import client_for
from huike.customers.models import Customer
from huike.dataio.merge import customer_merge, merge_undo, relations
from huike.dataio.models import MergeRecord
from huike.testing.factories import make_complaint, make_contract, make_customer, make_followup, make_order

pytestmark = pytest.mark.django_db
IGNORED = {"updated_at"}


def state(*customers) -> dict:
    """Every column of the customers, their tags, and which customer each related row points at."""
    out = {}
    for c in Customer.objects.filter(pk__in=[c.pk for c in customers]).order_by("pk"):
        out[c.pk] = {f.attname: getattr(c, f.attname) for f in Customer._meta.concrete_fields
                     if f.attname not in IGNORED}
        out[c.pk]["tags"] = sorted(c.tags.values_list("name", flat=True))
    ids = [c.pk for c in customers]
    for label, (model, column) in relations().items():
        out[label] = sorted(model._base_manager.filter(**{f"{column}__in": ids}).values_list("pk", column))
    return out


def pair(org):
    """Two records of one company in team A, each with follow-ups, orders, a contract, a complaint, a reminder."""
    keep = make_customer(org.ra1, name="杭州云帆科技有限公司", email="", tags=["高意向"], remarks="")
    other = make_customer(org.ra2, name="云帆科技", phone="13900001111", email="info@yunfan.cn",
                          credit_code="", tags=["价格敏感"], remarks="老客户", industry="manufacturing")
    for c, user in ((keep, org.ra1), (other, org.ra2)):
        make_followup(c, user, occurred_at=timezone.now() - dt.timedelta(days=2 if c is keep else 1))
        make_order(c, user)
        make_contract(c, user)
        make_complaint(c, user)
        Reminder.objects.create(user=user, customer=c, title="回访", due_at=timezone.now(), source="manual",
                                key=f"test:{c.pk}")
    return Customer.objects.get(pk=keep.pk), Customer.objects.get(pk=other.pk)


def test_merge_moves_everything_fills_empty_fields_and_soft_deletes_the_other(org):
    # given two records of one company with records hanging on both
    keep, other = pair(org)
    other_rows = {label: rows for label, rows in state(other).items() if isinstance(label, str)}
    # when manager ma merges the second into the first
    record = customer_merge(actor=org.ma, keep=keep, other=other)
    # then every row that pointed at the other points at the kept record
    keep.refresh_from_db(), other.refresh_from_db()
    for label, rows in other_rows.items():
        assert {pk for pk, _c in rows} <= {pk for pk, c in state(keep)[label] if c == keep.pk}, label
    assert keep.followups.count() == 2 and keep.orders.count() == 2 and keep.reminders.count() == 2
    assert (other.followups.count(), other.orders.count(), other.complaints.count()) == (0, 0, 0)
    # and empty fields were filled from the other, filled ones kept, tags joined, the other soft-deleted
    assert (keep.email, keep.remarks, keep.industry, keep.name) == (
        "info@yunfan.cn", "老客户", "manufacturing", "杭州云帆科技有限公司")
    assert sorted(keep.tags.values_list("name", flat=True)) == ["价格敏感", "高意向"]
    assert other.deleted_at is not None
    assert keep.last_followup_at == other.followups.model.objects.filter(customer=keep).latest("occurred_at").occurred_at
    # and one audit entry tells the story
    entry = AuditEntry.objects.get(action="merge")
    assert (entry.actor_id, entry.customer_id, entry.changes["merged_from"]) == (org.ma.pk, keep.pk,
                                                                                 [other.code, keep.code])
    assert entry.changes["moved"][1]["followups.followup"] == 1
    assert record.moved["transactions.order"] == [pk for pk, _c in other_rows["transactions.order"]]


def test_undo_restores_both_records_exactly(org):
    # given two records and a snapshot of everything about them
    keep, other = pair(org)
    before = state(keep, other)
    record = customer_merge(actor=org.ma, keep=keep, other=other)
    # when the merge is undone
    merge_undo(actor=org.ma, record=record)
    # then both records and every related row are as they were (only updated_at moved)
    after = state(keep, other)
    audit_before, audit_after = set(before.pop("audit.auditentry")), set(after.pop("audit.auditentry"))
    assert after == before
    # the history is back where it was, plus the merge and its undo on the kept record
    assert audit_before < audit_after
    added = AuditEntry.objects.filter(pk__in=[pk for pk, _c in audit_after - audit_before])
    assert sorted(added.values_list("action", "customer_id")) == [("merge", keep.pk), ("merge_undo", keep.pk)]
    record.refresh_from_db()
    assert record.undone_by_id == org.ma.pk
    # and a second undo is refused
    with pytest.raises(Exception, match="该合并已撤销过。"):
        merge_undo(actor=org.ma, record=record)


def test_undo_after_30_days_is_refused_and_changes_nothing(org):
    # given a merge 31 days old
    keep, other = pair(org)
    record = customer_merge(actor=org.admin, keep=keep, other=other)
    MergeRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    merged = state(keep, other)
    # when the admin tries to undo it
    response = client_for(org.admin).post(f"/api/v1/customers/{keep.pk}/merge/", {"other": keep.pk}, format="json")
    from huike.core.errors import FieldErrors

    with pytest.raises(FieldErrors):
        merge_undo(actor=org.admin, record=MergeRecord.objects.get(pk=record.pk))
    # then nothing changed (and merging a record with itself is a 400)
    assert state(keep, other) == merged
    assert (response.status_code, response.json()) == (400, {"other": ["A customer cannot be merged with itself."]})


def test_api_merge_by_manager_and_refusals_change_nothing(org):
    # given two records in team A, and one of team B
    keep, other = pair(org)
    foreign = make_customer(org.rb1)
    before = state(keep, other, foreign)
    api = "/api/v1/customers/{}/merge/"
    # when a rep tries (own record), a manager tries across teams, and someone merges a record into itself
    rep = client_for(org.ra1).post(api.format(keep.pk), {"other": other.pk}, format="json")
    cross = client_for(org.ma).post(api.format(keep.pk), {"other": foreign.pk}, format="json")
    other_team = client_for(org.mb).post(api.format(keep.pk), {"other": foreign.pk}, format="json")
    itself = client_for(org.ma).post(api.format(keep.pk), {"other": keep.pk}, format="json")
    # then 403, 404, 404, 400 and nothing changed
    assert [r.status_code for r in (rep, cross, other_team, itself)] == [403, 404, 404, 400]
    assert state(keep, other, foreign) == before
    assert (MergeRecord.objects.count(), AuditEntry.objects.filter(action="merge").count()) == (0, 0)
    # when the manager merges within the team
    done = client_for(org.ma).post(api.format(keep.pk), {"other": other.pk}, format="json")
    # then 201 with what moved, and the merged record reads as gone (404)
    assert done.status_code == 201 and done.json()["keep"] == keep.pk
    assert client_for(org.ma).get(f"/api/v1/customers/{other.pk}/").status_code == 404


def test_undo_page_is_scoped_and_rep_cannot_undo(client, org):
    # given a merge in team A
    keep, other = pair(org)
    record = customer_merge(actor=org.ma, keep=keep, other=other)
    merged = state(keep, other)
    # when team B's manager and team A's rep try to undo it
    client.force_login(org.mb)
    foreign = client.post(f"/data/merges/{record.pk}/undo/")
    client.force_login(org.ra1)
    rep = client.post(f"/data/merges/{record.pk}/undo/")
    # then 404 and 403, nothing changed
    assert (foreign.status_code, rep.status_code) == (404, 403)
    assert state(keep, other) == merged
    # when team A's manager undoes it on the page
    client.force_login(org.ma)
    response = client.post(f"/data/merges/{record.pk}/undo/", follow=True)
    # then the other record is back
    assert response.status_code == 200
    assert Customer.objects.get(pk=other.pk).deleted_at is None


def test_sales_summary_follows_the_orders_through_merge_and_undo(org):
    # given two records with an order each, owned by two reps
    from django.db import connection

    from huike.reports import summary
    from huike.reports.models import OwnerDaySales

    def sales() -> list[tuple]:
        return sorted(OwnerDaySales.objects.exclude(orders=0).values_list("owner_id", "day", "amount", "orders"))

    def rebuilt() -> list[tuple]:
        kept = sales()
        summary.rebuild(connection)
        fresh = sales()
        assert fresh == kept  # the triggers kept the summary exact
        return fresh

    keep, other = pair(org)
    before = rebuilt()
    # when they are merged, then the merge is undone
    record = customer_merge(actor=org.ma, keep=keep, other=other)
    merged = rebuilt()
    merge_undo(actor=org.ma, record=record)
    # then the merged sales counted both orders for the kept owner, and the undo restored the split
    assert [(o, n) for o, _d, _a, n in merged] == [(org.ra1.pk, 2)]
    assert rebuilt() == before
