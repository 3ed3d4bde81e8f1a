import datetime as dt

from django.urls import reverse
from django.utils import timezone

from huike.automation.models import Reminder
from huike.testing.factories import make_customer


def reminder(user, customer, key, **kw):
    return Reminder.objects.create(user=user, customer=customer, title=kw.pop("title", "回访客户"),
                                   due_at=kw.pop("due_at", timezone.now() + dt.timedelta(days=1)),
                                   source="strategy", key=key, **kw)


def test_a_user_sees_only_their_own_open_tasks(client, org, django_assert_max_num_queries):
    c = make_customer(org.ra1)
    mine = reminder(org.ra1, c, "a", title="24小时内联系客户")
    reminder(org.ra2, c, "b", title="别人的任务")
    reminder(org.ra1, c, "c", title="已完成的任务", status="done")
    client.force_login(org.ra1)
    with django_assert_max_num_queries(8):
        body = client.get(reverse("automation:reminders")).content.decode()
    assert mine.title in body
    assert "别人的任务" not in body and "已完成的任务" not in body
    assert "已完成的任务" in client.get(reverse("automation:reminders"), {"show": "all"}).content.decode()


def test_done_marks_only_the_owners_task(client, org):
    c = make_customer(org.ra1)
    task = reminder(org.ra1, c, "a")
    client.force_login(org.ra2)
    assert client.post(reverse("automation:reminder_done", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.status == "open"
    client.force_login(org.ra1)
    assert client.post(reverse("automation:reminder_done", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.done_at is not None
    client.logout()
    assert client.get(reverse("automation:reminders")).status_code == 302
