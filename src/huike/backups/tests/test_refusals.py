"""A restore that must not happen changes nothing: wrong key, a flipped byte, a cut file, a full database."""
import datetime as dt

import pytest

from huike.backups import crypto, dump
from huike.backups.crypto import BackupError
from huike.backups.services import backup_create, backup_restore
from huike.customers.models import Customer
from huike.testing.factories import make_customer

from .conftest import comparable, media_files


@pytest.fixture
def backup(rich_data, tmp_path):
    path, _ = backup_create(output=tmp_path / "b.hkb")
    return path


def _changed_since_backup(org):
    """Data that differs from the backup, so a restore that slipped through would show."""
    Customer.objects.filter(pk=Customer.objects.order_by("pk").first().pk).update(name="改过的名字")
    make_customer(org.ra1, name="备份之后新建的客户")
    return dump.canonical()


def _refused(path, media, before, files_before, **kwargs) -> str:
    with pytest.raises(BackupError) as e:
        backup_restore(path=path, force=True, **kwargs)
    assert dump.canonical() == before
    assert media_files(media) == files_before
    return str(e.value)


def test_a_wrong_key_refuses_and_changes_nothing(org, backup, media, monkeypatch):
    # given data changed since the backup / when restored with another key
    before, files = _changed_since_backup(org), media_files(media)
    monkeypatch.setenv("HUIKE_BACKUP_KEY", "not-the-key-that-sealed-it")
    message = _refused(backup, media, before, files)
    # then the key is named in both languages, and nothing changed (checked in _refused)
    assert "does not match this backup" in message and "备份密钥" in message


@pytest.mark.parametrize("where", [0.02, 0.5, 0.999])
def test_one_flipped_byte_refuses_and_changes_nothing(org, backup, media, where):
    before, files = _changed_since_backup(org), media_files(media)
    data = bytearray(backup.read_bytes())
    data[crypto.HEADER.size + int((len(data) - crypto.HEADER.size) * where)] ^= 0x40
    backup.write_bytes(bytes(data))
    message = _refused(backup, media, before, files)
    assert "damaged or was changed" in message and "已损坏" in message


def test_a_truncated_backup_refuses_and_changes_nothing(org, backup, media):
    before, files = _changed_since_backup(org), media_files(media)
    data = backup.read_bytes()
    backup.write_bytes(data[: len(data) - 7])
    assert "damaged" in _refused(backup, media, before, files)


def test_a_database_with_users_or_customers_is_refused_without_force(org, backup, media):
    before, files = _changed_since_backup(org), media_files(media)
    with pytest.raises(BackupError) as e:
        backup_restore(path=backup)
    assert "--force" in str(e.value)
    assert dump.canonical() == before and media_files(media) == files


def test_force_replaces_everything_with_the_backup(org, rich_data, media, tmp_path):
    # given a backup, then changes and a new uploaded file
    before = dump.canonical()
    files_before = media_files(media)
    path, _ = backup_create(output=tmp_path / "b.hkb")
    _changed_since_backup(org)
    (media / "later.txt").write_text("after the backup")
    # when restored over it with force
    backup_restore(path=path, force=True)
    # then the rows are the backup's, the files too (the later one set aside, not lost)
    assert comparable(dump.canonical()) == comparable(before)
    assert media_files(media) == files_before
    aside = [p for p in media.parent.iterdir() if p.name.startswith("media.before-restore-")]
    assert len(aside) == 1 and (aside[0] / "later.txt").read_text() == "after the backup"


def test_the_restore_keeps_the_derived_tables_and_their_triggers_working(org, rich_data, tmp_path):
    from huike.reports.models import CustomerFact, OwnerDaySales
    from huike.testing.factories import make_order

    # given a backup restored over the data
    path, _ = backup_create(output=tmp_path / "b.hkb")
    sales_before = sorted(OwnerDaySales.objects.values_list("owner_id", "day", "amount", "orders"))
    backup_restore(path=path, force=True)
    assert sorted(OwnerDaySales.objects.values_list("owner_id", "day", "amount", "orders")) == sales_before
    # when an order is added after the restore / then the trigger-kept summary follows it
    customer = rich_data[0]
    make_order(customer, org.ra1, amount="10.00")
    assert CustomerFact.objects.filter(customer_id=customer.pk).exists()
    total = sum(r[2] for r in OwnerDaySales.objects.filter(owner_id=org.ra1.pk).values_list("owner_id", "day", "amount"))
    assert total == sum(r[2] for r in sales_before if r[0] == org.ra1.pk) + 10


def test_two_restores_in_the_same_second_keep_both_sets_of_files_aside(tmp_path):
    from huike.backups.services import _swap

    # given a media folder that is set aside by a restore at 02:00:00, then refilled
    media, moment = tmp_path / "media", dt.datetime(2026, 11, 23, 2, 0, 0, tzinfo=dt.timezone.utc)
    for content in ("first", "second"):
        media.mkdir()
        (media / "a.txt").write_text(content)
        staging = tmp_path / f"staging-{content}"
        staging.mkdir()
        (staging / "a.txt").write_text(f"restored after {content}")
        # when a restore in the same second swaps its files in
        _swap(staging, media, now=moment)
        media.rename(tmp_path / f"restored-{content}")
    # then both earlier folders are kept, the second under a numbered name
    aside = {p.name: (p / "a.txt").read_text() for p in tmp_path.iterdir() if ".before-restore-" in p.name}
    assert aside == {"media.before-restore-20261123-020000": "first", "media.before-restore-20261123-020000-2": "second"}
