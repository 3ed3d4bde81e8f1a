"""reminders_create_rows: the bulk form used by classification runs, idempotent by key on both engines."""
import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from huike.automation.models import Reminder
from huike.automation.services import reminders_create_rows
from huike.testing.factories import make_customer

pytestmark = pytest.mark.django_db


def rows(org, customer, keys, title="回访客户"):
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value
    due = at(now + dt.timedelta(days=3))
    return [(org.ra1.pk, customer.pk, title, "每月一次\n电话", due, "strategy", key, at(now)) for key in keys]


def test_new_keys_are_inserted_open_and_counted(org):
    # given a customer and three reminder rows
    c = make_customer(org.ra1)
    # when they are created in bulk
    created = reminders_create_rows(rows(org, c, ["k1", "k2", "k3"]))
    # then all three exist, open, for the owner, with their texts and due time
    assert created == 3
    got = list(Reminder.objects.order_by("key").values_list("key", "user_id", "customer_id", "title", "body",
                                                           "status", "source", "done_at"))
    assert got == [(k, org.ra1.pk, c.pk, "回访客户", "每月一次\n电话", "open", "strategy", None)
                   for k in ("k1", "k2", "k3")]
    due = Reminder.objects.get(key="k1").due_at
    assert dt.timedelta(days=2, hours=23) < due - timezone.now() <= dt.timedelta(days=3)


def test_keys_already_present_or_repeated_in_the_batch_add_nothing(org):
    # given one reminder already created, with a title a repeat must not overwrite
    c = make_customer(org.ra1)
    reminders_create_rows(rows(org, c, ["k1"], title="原来的"))
    # when a batch repeats that key and names a new key twice
    created = reminders_create_rows(rows(org, c, ["k1", "k2", "k2"], title="新的"))
    # then only the new key is added, once, and the old reminder is unchanged
    assert created == 1
    assert dict(Reminder.objects.values_list("key", "title")) == {"k1": "原来的", "k2": "新的"}


def test_nothing_to_create_touches_nothing(org):
    assert reminders_create_rows([]) == 0
    assert Reminder.objects.count() == 0


def test_the_reminders_of_a_purged_customer_go_with_it(org):
    from huike.customers.services import customer_delete
    from huike.recycle.services import customer_purge

    # given strategy tasks created in bulk for a customer (the table has no database keys, ADR 0026)
    c = make_customer(org.ra1)
    other = make_customer(org.ra1)
    reminders_create_rows(rows(org, c, ["k1", "k2"]) + rows(org, other, ["k3"]))
    # when the customer is deleted and purged from the recycle bin
    customer_delete(actor=org.admin, customer=c)
    customer_purge(actor=org.admin, pk=c.pk)
    # then its reminders went with it (Django's cascade) and the other customer's stayed
    assert list(Reminder.objects.values_list("key", flat=True)) == ["k3"]


def test_titles_and_bodies_with_tabs_newlines_and_backslashes_are_kept_as_written(org):
    # given a strategy text an admin typed with a tab, a backslash and a carriage return
    c = make_customer(org.ra1)
    row = rows(org, c, ["k1"], title="回访\t客户 C:\\客户")[0]
    row = (*row[:3], "每月\r\n一次\\N", *row[4:])
    # when it is created in bulk (COPY text on PostgreSQL)
    assert reminders_create_rows([row]) == 1
    # then the reminder holds exactly those characters
    assert Reminder.objects.values_list("title", "body").get() == ("回访\t客户 C:\\客户", "每月\r\n一次\\N")
