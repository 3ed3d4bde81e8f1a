"""The content format: values of every awkward kind survive exactly, old (format 1) files still restore,
newer ones are refused by name, and the restore puts back the indexes, keys and search index it takes off."""
import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from hypothesis import HealthCheck, given, settings, strategies as st

from huike.backups import archive, crypto, dump
from huike.backups.crypto import BackupError
from huike.backups.services import backup_create, backup_restore

from .conftest import comparable, huike_cli, media_files

UTC = dt.timezone.utc
EDGE_AMOUNTS = [Decimal("999999999999.99"), Decimal("-999999999999.99"), Decimal("1.015"), Decimal("-0.01"),
                Decimal("1.005"), Decimal("123456789.10"), Decimal("0.00")]  # as many as rich_data's orders
EDGE_TIMES = [dt.datetime(1970, 1, 1, tzinfo=UTC), dt.datetime(2038, 1, 19, 3, 14, 7, 1, tzinfo=UTC),
              dt.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC), dt.datetime(1900, 6, 1, 12, tzinfo=UTC),
              dt.datetime(2026, 12, 31, 16, 0, tzinfo=UTC)]  # 2027-01-01 00:00 in Shanghai
EDGE_JSON = {"名": "值 😀", "nested": [1, -2, 2**53, 1.5, -0.25, None, True, False, "", {"a": []}], "e": {},
             "quote": "\"'\\\n\t", "big": 12345678901234567890}


def _edge_values(org, customers):
    """Orders, customers, facts, access attempts and rules with values at the edges of their types."""
    from axes.models import AccessAttempt

    from huike.classification.models import Result, Run
    from huike.customers.models import Customer
    from huike.reports.models import CustomerFact
    from huike.transactions.models import Order

    orders = list(Order.objects.order_by("pk"))
    for i, (order, amount) in enumerate(zip(orders, EDGE_AMOUNTS)):
        Order.objects.filter(pk=order.pk).update(amount=amount, created_at=EDGE_TIMES[i % len(EDGE_TIMES)],
                                                 date=dt.date(1900 + 1000 * (i % 2), 1, 1 + i), due_date=None)
    Customer.objects.filter(pk=customers[0].pk).update(expected_close_date=dt.date(9999, 12, 31))
    for customer, document in zip(customers, (EDGE_JSON, {"null": None, "list": [None]}, [])):
        Run.objects.create(as_of=dt.date(2026, 10, 31), counts=document)
        Result.objects.update_or_create(customer=customer, defaults={"hash": -2**63, "amt_annual": 2**63 - 1})
    CustomerFact.objects.filter(customer_id=customers[0].pk).update(potential_days=0.1 + 0.2, intent_days=-1e-300,
                                                                    closed_days=1.7976931348623157e308, lost_days=None)
    AccessAttempt.objects.create(username="a", ip_address="2001:db8::1", user_agent="x", path_info="/",
                                 get_data="", post_data="", failures_since_start=3)
    AccessAttempt.objects.create(username="b", ip_address="127.0.0.1", user_agent="😀", path_info="/",
                                 get_data="", post_data="", failures_since_start=1)


@pytest.mark.parametrize("target", ["sqlite", "postgres"])
def test_edge_values_of_every_type_survive_a_restore_into_either_engine(org, rich_data, media, tmp_path,
                                                                        empty_database, target):
    # given decimals that a float would round the other way, datetimes with and without microseconds,
    # JSON with Unicode, big integers and nulls, extreme floats, IPv4 and IPv6 addresses, and NULLs
    _edge_values(org, rich_data)
    before = dump.canonical()
    # when it is backed up here and restored by the command into a database of either engine
    path, _ = backup_create(output=tmp_path / "b.hkb")
    url, data_dir = empty_database(target), tmp_path / "restored"
    result = huike_cli("restore", str(path), database_url=url, data_dir=data_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    # then every value reads back the same there
    with dump.attached(dump.url_settings(url), "restored") as alias:
        after = dump.canonical(alias)
    assert comparable(after) == comparable(before)
    amount = dump.columns(apps.get_model("transactions", "Order")).index("amount")
    assert sorted(Decimal(r[amount]) for r in after["transactions.Order"])[:2] == [Decimal("-999999999999.99"),
                                                                                   Decimal("-0.01")]


text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | text
    | st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda f: abs(f) < 1e15 and f == round(f, 6)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3), max_leaves=6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(amounts=st.lists(st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"),
                                    places=2, allow_nan=False, allow_infinity=False), min_size=1, max_size=7),
       moments=st.lists(st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2199, 12, 31),
                                     timezones=st.just(UTC)), min_size=1, max_size=7),
       names=st.lists(text.filter(str.strip), min_size=1, max_size=7),
       document=st.dictionaries(text, json_values, max_size=4))
def test_any_values_come_back_exactly_after_backup_and_restore(org, rich_data, media, tmp_path, amounts, moments,
                                                               names, document):
    from huike.classification.models import Run
    from huike.customers.models import Customer
    from huike.transactions.models import Order

    # given orders, customers and a JSON document holding generated values
    for order, amount, moment in zip(Order.objects.order_by("pk"), amounts * 7, moments * 7):
        Order.objects.filter(pk=order.pk).update(amount=amount, created_at=moment, date=moment.date())
    for customer, name in zip(rich_data, names * 7):
        Customer.objects.filter(pk=customer.pk).update(remarks=name)
        Run.objects.update_or_create(as_of=dt.date(2026, 10, 31), defaults={"counts": document})
    before = dump.canonical()
    # when backed up and restored over the same database
    path, _ = backup_create(output=tmp_path / "h.hkb")
    backup_restore(path=path, force=True)
    # then every model reads back the same
    assert comparable(dump.canonical()) == comparable(before)


def test_a_format_1_backup_still_restores(org, rich_data, media, tmp_path, monkeypatch):
    # given a backup written the way Huike wrote them before format 2 (values as the ORM returned them)
    _edge_values(org, rich_data)
    before, files_before = dump.canonical(), media_files(media)
    with monkeypatch.context() as patch:
        patch.setattr(archive, "FORMAT", 1)
        patch.setattr(crypto, "VERSION", 1)  # JSON lines, files in base64
        patch.setattr(dump, "raw_chunks", dump.iter_chunks)
        path, _ = backup_create(output=tmp_path / "old.hkb")
    assert path.read_bytes()[8] == 1
    with open(path, "rb") as raw:
        assert archive.verify(raw, "backup-test-key-0123456789").header["format"] == 1
    # when it is restored over data changed since / then everything is as it was
    from huike.transactions.models import Order

    Order.objects.update(amount=Decimal("7.00"))
    backup_restore(path=path, force=True)
    assert comparable(dump.canonical()) == comparable(before)
    assert media_files(media) == files_before


def test_a_backup_in_a_newer_format_is_refused_by_name_and_changes_nothing(org, rich_data, media, tmp_path,
                                                                           monkeypatch):
    # given a backup whose content format is newer than this version reads
    with monkeypatch.context() as patch:
        patch.setattr(archive, "FORMAT", 3)
        path, _ = backup_create(output=tmp_path / "new.hkb")
    before = dump.canonical()
    # when it is restored / then refused in both languages, naming the format, and nothing changed
    with pytest.raises(BackupError) as refused:
        backup_restore(path=path, force=True)
    assert str(refused.value) == ("This backup has content format 3, newer than this version of Huike reads (1, 2); "
                                  "restore it with a newer Huike / 此备份的内容格式为 3，本版本汇客无法读取；请用更新版本的汇客恢复")
    assert dump.canonical() == before


def _schema(cur) -> list:
    if connection.vendor == "postgresql":
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                    "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE connamespace = current_schema()::regnamespace ORDER BY 1, 2")
    else:
        cur.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger', 'table') "
                    "ORDER BY type, name")
    return cur.fetchall()


def test_the_restore_puts_back_every_index_key_trigger_and_the_search_index(org, rich_data, tmp_path):
    from huike.customers.models import Customer

    # given the schema's indexes, foreign keys and triggers before a restore
    with connection.cursor() as cur:
        schema_before = _schema(cur)
    path, _ = backup_create(output=tmp_path / "b.hkb")
    # when the backup is restored over the data
    backup_restore(path=path, force=True)
    # then the same indexes, keys and triggers are there, and (SQLite) the search index finds the restored names
    with connection.cursor() as cur:
        assert _schema(cur) == schema_before
        if connection.vendor == "sqlite":
            cur.execute("SELECT rowid FROM customer_search WHERE customer_search MATCH %s", ['"汇客科技"'])
            assert [r[0] for r in cur.fetchall()] == [rich_data[0].pk]
    assert Customer.objects.count() == len(rich_data)


def test_a_restore_that_breaks_a_foreign_key_is_refused_and_changes_nothing(org, rich_data, media, tmp_path,
                                                                           monkeypatch):
    # given a backup whose orders point at a customer that is not in it (a bug's or a hand-edited backup's)
    real = dump.raw_chunks

    def orphaned(model, alias, size=dump.CHUNK_ROWS):
        for chunk in real(model, alias, size):
            if model._meta.label == "transactions.Order":
                i = dump.columns(model).index("customer_id")
                chunk = [[*row[:i], 10**9, *row[i + 1:]] for row in chunk]
            yield chunk
    with monkeypatch.context() as patch:
        patch.setattr(dump, "raw_chunks", orphaned)
        path, _ = backup_create(output=tmp_path / "orphan.hkb")
    before = dump.canonical()
    # when it is restored / then the database refuses it and the transaction leaves everything as it was
    with pytest.raises(BackupError) as refused:
        backup_restore(path=path, force=True)
    assert "break this database's constraints" in str(refused.value) and "违反本数据库的约束" in str(refused.value)
    assert "foreign key" in str(refused.value).lower()
    assert dump.canonical() == before
