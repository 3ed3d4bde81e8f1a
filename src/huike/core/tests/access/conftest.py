"""The world every access test runs in: the R-1 cast, each with one of every record, and a deactivated rep."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from huike.automation.models import Reminder
from huike.automation.services import reminders_create
from huike.classification.services import run_create
from huike.dataio.exports import export_start
from huike.followups.services import followup_create
from huike.testing.factories import (
    make_complaint, make_contract, make_customer, make_order, make_user,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _records(user, index: int) -> SimpleNamespace:
    from huike.imports.models import ImportJob
    from huike.notifications.services import notify

    customer = make_customer(user, email=f"contact{index}@example.com")
    followup = followup_create(actor=user, customer=customer, files=[SimpleUploadedFile("card.png", PNG)], data={
        "method": "phone", "content": "电话沟通需求", "occurred_at": timezone.now() - dt.timedelta(hours=1)})
    reminders_create([Reminder(user=user, customer=customer, title="回访", source="manual", key=f"access-{index}",
                               due_at=timezone.now() + dt.timedelta(days=1))])
    return SimpleNamespace(
        customer=customer, followup=followup, attachment=followup.attachments.get(),
        order=make_order(customer, user), contract=make_contract(customer, user),
        complaint=make_complaint(customer, user), reminder=Reminder.objects.get(key=f"access-{index}"),
        user=user, team=user.team,
        notification=notify(user=user, title="提醒", body="回访"),
        export=export_start(actor=user, fmt="csv", fields=["code", "name"], filters={}),
        import_job=ImportJob.objects.create(kind="customers", owner=user, file_path="imports/x.csv",
                                            original_name="x.csv", file_format="csv"),
        suggestion=_suggestion(user, customer, followup),
    )


def _suggestion(user, customer, followup):
    from huike.automation.models import Suggestion

    return Suggestion.objects.create(user=user, customer=customer, followup=followup, field="stage", value="intent",
                                     keyword="签约")


def _bin(world) -> None:
    """Per user, a deleted customer and a binned order (the admin deleted them), for the recycle bin routes."""
    from huike.customers.services import customer_delete
    from huike.recycle.models import BinnedRecord
    from huike.transactions.services import order_delete

    for name, records in world.records.items():
        user = records.user
        gone_customer = make_customer(user)
        order = make_order(gone_customer, user)
        order_id = order.pk
        order_delete(actor=world.org.admin, order=order)
        customer_delete(actor=world.org.admin, customer=gone_customer)
        records.deleted_customer = gone_customer
        records.binned = BinnedRecord.objects.get(object_type="transactions.order", object_id=order_id)


def _merge(world) -> None:
    """Per user, a merge of two of its customers (done by the admin), for the merge detail and undo routes."""
    from huike.dataio.merge import customer_merge

    for records in world.records.values():
        keep, other = make_customer(records.user), make_customer(records.user)
        records.merge = customer_merge(actor=world.org.admin, keep=keep, other=other)


@pytest.fixture
def world(org, settings, tmp_path):
    """Records of ra1, ra2 (team A), rb1 (team B), the managers, the admin and `gone` (deactivated, team A)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    gone = make_user("gone", team=org.team_a, display_name="离职销售")
    users = [org.ra1, org.ra2, org.rb1, org.ma, org.mb, org.admin, gone]
    records = {u.username: _records(u, i) for i, u in enumerate(users)}
    run_create(actor=org.admin)
    world = SimpleNamespace(org=org, gone=gone, records=records)
    _bin(world)
    _merge(world)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return world
