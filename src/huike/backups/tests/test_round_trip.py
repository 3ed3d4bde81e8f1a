"""Backup then restore into an empty database equals the data before, for every model, across engines."""
from pathlib import Path

import pytest

from huike.backups import dump
from huike.backups.services import backup_create

from .conftest import comparable, huike_cli, media_files


@pytest.mark.parametrize("target", ["sqlite", "postgres"])
def test_backup_restores_into_an_empty_database_of_either_engine(rich_data, media, tmp_path, empty_database,
                                                                 target):
    # given varied data and an uploaded file, and its canonical export
    before = dump.canonical()
    files_before = media_files(media)
    assert len(files_before) == 1 and sum(len(v) for v in before.values()) > 100
    # when it is backed up here and `huike restore` rebuilds it into a database without tables
    path, manifest = backup_create(output=tmp_path / "b.hkb")
    url, data_dir = empty_database(target), tmp_path / "restored"
    result = huike_cli("restore", str(path), database_url=url, data_dir=data_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{sum(manifest.rows.values()):,} rows, 1 files" in result.stdout
    # then every model's rows and every uploaded file are the same there
    with dump.attached(dump.url_settings(url), "restored") as alias:
        after = dump.canonical(alias)
    assert comparable(after) == comparable(before)
    assert media_files(Path(data_dir) / "media") == files_before


def test_a_second_restore_into_the_now_full_database_is_refused_without_force(rich_data, tmp_path, empty_database):
    # given a backup restored once into an SQLite database
    path, _ = backup_create(output=tmp_path / "b.hkb")
    url, data_dir = empty_database("sqlite"), tmp_path / "restored"
    assert huike_cli("restore", str(path), database_url=url, data_dir=data_dir).returncode == 0
    # when it is restored again without --force / then refused, bilingually; with --force it succeeds
    again = huike_cli("restore", str(path), database_url=url, data_dir=data_dir)
    assert again.returncode == 1
    assert "--force" in again.stderr and "已有用户或客户数据" in again.stderr
    forced = huike_cli("restore", str(path), "--force", database_url=url, data_dir=data_dir)
    assert forced.returncode == 0, forced.stderr[-2000:]


def test_the_command_backs_up_a_live_sqlite_file_through_the_online_backup_api(rich_data, tmp_path, empty_database):
    # given the data restored into an SQLite file served by its own process (autocommit, WAL)
    path, _ = backup_create(output=tmp_path / "b.hkb")
    first, first_dir = empty_database("sqlite"), tmp_path / "first"
    assert huike_cli("restore", str(path), database_url=first, data_dir=first_dir).returncode == 0
    # when `huike backup` runs there (a snapshot via sqlite3's backup API) and that backup is restored again
    made = huike_cli("backup", database_url=first, data_dir=first_dir)
    assert made.returncode == 0, made.stderr[-2000:]
    [second_backup] = list((first_dir / "backups").glob("huike-*.hkb"))
    second, second_dir = empty_database("sqlite"), tmp_path / "second"
    assert huike_cli("restore", str(second_backup), database_url=second, data_dir=second_dir).returncode == 0
    # then the second copy equals the first, and no snapshot file is left behind
    with dump.attached(dump.url_settings(first), "first") as a, dump.attached(dump.url_settings(second), "second") as b:
        assert comparable(dump.canonical(b)) == comparable(dump.canonical(a))
    assert sorted(p.name for p in (first_dir / "backups").iterdir()) == [second_backup.name]


@pytest.mark.django_db(transaction=True)
def test_a_backup_outside_a_transaction_snapshots_even_an_in_memory_database(rich_data, tmp_path):
    from django.db import connection

    # given committed customers and no transaction open (as the worker of the browser tests sees its database;
    # on SQLite an in-memory one, which answers the mmap pragma with no row)
    assert not connection.in_atomic_block
    # when a backup is made (SQLite: a snapshot through the online backup API)
    _path, manifest = backup_create(output=tmp_path / "m.hkb")
    # then it holds every customer
    assert manifest.rows["customers.Customer"] == len(rich_data)
