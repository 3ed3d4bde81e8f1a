"""The admin's backup page, the schedule in the worker, retention and the audit log."""
import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from huike.audit.models import AuditEntry
from huike.backups import services, tasks
from huike.backups.models import BackupSchedule


def test_only_an_admin_sees_or_changes_backups(client, org, media):
    # given the schedule as it is
    before = list(BackupSchedule.objects.values())
    for user in (org.ma, org.ra1):
        client.force_login(user)
        # when a manager or a rep asks for the page or posts to it / then 403 and nothing changes
        assert client.get(reverse("backups:index")).status_code == 403
        assert client.post(reverse("backups:schedule"),
                           {"frequency": "daily", "at": "03:00", "weekday": "0", "keep": "2"}).status_code == 403
        assert client.post(reverse("backups:run")).status_code == 403
    client.logout()
    response = client.get(reverse("backups:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert list(BackupSchedule.objects.values()) == before
    assert services.backup_list() == []


def test_admin_sets_the_schedule_and_sees_the_next_run(client, org, media):
    client.force_login(org.admin)
    response = client.post(reverse("backups:schedule"),
                           {"frequency": "weekly", "at": "03:15", "weekday": "6", "keep": "4"})
    assert response.status_code == 302
    row = services.schedule_get()
    assert (row.frequency, row.at, row.weekday, row.keep) == ("weekly", dt.time(3, 15), 6, 4)
    entry = AuditEntry.objects.get(object_type="backups.backupschedule", action="update")
    assert entry.changes["frequency"] == ["off", "weekly"] and entry.actor == org.admin
    page = client.get(reverse("backups:index")).content.decode()
    nxt = timezone.localtime(services.next_run(row))
    assert nxt.weekday() == 6 and (nxt.hour, nxt.minute) == (3, 15)
    assert nxt.strftime("%Y-%m-%d %H:%M") in page


def test_a_bad_schedule_is_refused_with_messages_and_nothing_saved(client, org, media):
    client.force_login(org.admin)
    services.schedule_get()
    before = list(BackupSchedule.objects.values())
    response = client.post(reverse("backups:schedule"),
                           {"frequency": "hourly", "at": "25:00", "weekday": "9", "keep": "0"}, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert len(texts) == 4
    assert list(BackupSchedule.objects.values()) == before


def test_back_up_now_writes_a_listed_backup_and_audits_it(client, org, media, django_capture_on_commit_callbacks):
    client.force_login(org.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("backups:run"))
    [backup] = services.backup_list()
    assert backup.size > 100 and backup.name.startswith("huike-") and backup.name.endswith(".hkb")
    entry = AuditEntry.objects.get(action="backup")
    assert entry.actor == org.admin and entry.changes["file"] == [None, backup.name]
    page = client.get(reverse("backups:index")).content.decode()
    assert backup.name in page


def test_without_a_key_the_page_says_so_and_nothing_is_written(client, org, media, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    monkeypatch.delenv("HUIKE_BACKUP_KEY")
    client.force_login(org.admin)
    assert 'id="backup-key-missing"' in client.get(reverse("backups:index")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("backups:run"))
    assert services.backup_list() == [] and not AuditEntry.objects.filter(action="backup").exists()


def test_the_worker_takes_a_due_backup_once_and_retention_keeps_n(org, media):
    # given a daily 02:00 schedule keeping 2, and three older backups in the folder
    services.schedule_update(actor=org.admin, data={"frequency": "daily", "at": "02:00", "weekday": 0, "keep": 2})
    for i in range(3):
        old = services.backups_dir() / f"huike-2020010{i + 1}-020000.hkb"
        old.write_bytes(b"old")
        os.utime(old, (1_577_836_800 + i * 86_400,) * 2)
    # when the minute tick runs before the slot: nothing; after a slot passed: one backup, oldest ones pruned
    BackupSchedule.objects.update(last_run_at=timezone.now())
    tasks.scheduled_backup.call_local()
    assert len(services.backup_list()) == 3
    assert not AuditEntry.objects.filter(action="backup").exists()
    BackupSchedule.objects.update(last_run_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    tasks.scheduled_backup.call_local()
    tasks.scheduled_backup.call_local()  # the same minute again: already taken
    names = [b.name for b in services.backup_list()]
    assert len(names) == 2 and names[1] == "huike-20200103-020000.hkb" and names[0] > "huike-2026"
    assert AuditEntry.objects.filter(action="backup").count() == 1
    assert services.schedule_get().last_error == ""


@pytest.mark.parametrize("keep", [1, 3])
def test_retention_deletes_only_the_oldest_beyond_keep(media, keep):
    for i in range(4):
        path = services.backups_dir() / f"huike-2020010{i + 1}-020000.hkb"
        path.write_bytes(b"x")
        os.utime(path, (1_577_836_800 + i * 86_400,) * 2)
    (services.backups_dir() / "huike-20200109-020000.hkb.part").write_bytes(b"in progress")
    removed = services.prune(keep=keep)
    assert removed == [f"huike-2020010{i + 1}-020000.hkb" for i in range(4 - keep)]
    assert [b.name for b in services.backup_list()] == [f"huike-2020010{i}-020000.hkb" for i in range(4, 4 - keep, -1)]
    assert (services.backups_dir() / "huike-20200109-020000.hkb.part").exists()
