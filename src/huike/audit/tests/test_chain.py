"""The audit trail is append-only and hash-chained; `huike audit verify` names the first bad entry."""
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from huike.audit.models import AuditChainHead, AuditEntry, AuditImmutable
from huike.audit.services import audit_event
from huike.testing.factories import make_customer


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _raw(sql: str, params: list) -> None:
    # Behind the app's back, as someone with database access would.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _three_entries(org):
    make_customer(org.ra1, name="甲公司")
    make_customer(org.ra1, name="乙公司")
    make_customer(org.ra1, name="丙公司")
    return list(AuditEntry.objects.order_by("id"))


def test_entries_link_to_the_one_before_and_the_chain_verifies(org):
    # given three customers created (one audit entry each)
    entries = _three_entries(org)
    # then each entry names the hash of the one before it, and the head names the newest
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert all(len(e.hash) == 64 for e in entries)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash, head.count) == (entries[-1].id, entries[-1].hash, len(entries))
    # when verified, then the chain is intact
    assert "audit chain intact" in _verify()


def test_a_changed_entry_is_named_by_verify(org):
    # given a chain whose middle entry was edited in the database
    entries = _three_entries(org)
    _raw("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["篡改", entries[1].id])
    # when verified, then it fails naming that entry
    with pytest.raises(CommandError, match=rf"entry {entries[1].id}: content hash mismatch"):
        _verify()


def test_a_changed_actor_is_caught_too(org):
    entries = _three_entries(org)
    _raw("UPDATE audit_auditentry SET actor_id = %s WHERE id = %s", [org.admin.pk, entries[0].id])
    with pytest.raises(CommandError, match=rf"entry {entries[0].id}: content hash mismatch"):
        _verify()


def test_a_deleted_middle_entry_breaks_the_next_link(org):
    entries = _three_entries(org)
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].id])
    with pytest.raises(CommandError, match=rf"entry {entries[2].id}: previous-hash mismatch"):
        _verify()


def test_a_deleted_newest_entry_is_caught_by_the_head(org):
    entries = _three_entries(org)
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].id])
    with pytest.raises(CommandError, match="chain head does not match"):
        _verify()


def test_the_app_cannot_change_or_delete_an_entry(org):
    # given an entry
    make_customer(org.ra1, name="甲公司")
    entry = AuditEntry.objects.get()
    before = (entry.object_repr, entry.hash)
    # when the app tries every ORM path to change or delete it, then each is refused
    entry.object_repr = "changed"
    with pytest.raises(AuditImmutable):
        entry.save()
    with pytest.raises(AuditImmutable):
        entry.delete()
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="changed")
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.bulk_create([AuditEntry(action="x", object_type="y")])
    # and the row is as it was
    entry.refresh_from_db()
    assert (entry.object_repr, entry.hash, AuditEntry.objects.count()) == (*before, 1)


def test_no_route_writes_or_deletes_audit_entries():
    # given every URL pattern of the project
    from django.urls import get_resolver

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns)
            else:
                yield p

    modules = {getattr(p.callback, "__module__", "") for p in walk(get_resolver().url_patterns)}
    # then no view lives in the audit app except the read-only page
    assert {m for m in modules if m.startswith("huike.audit")} <= {"huike.audit.web.views"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain_on_postgresql(org):
    # SQLite's in-memory test database cannot take two writers; the file-based test below covers SQLite.
    if connection.vendor != "postgresql":
        return
    # given 6 threads appending 10 entries each at the same time
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                audit_event(actor=None, action="test", object_type="test.thread", object_id=n * 100 + i)
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)
        finally:
            connections.close_all()

    before = AuditEntry.objects.count()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then every entry was written, each link names a distinct predecessor, and the chain verifies
    assert errors == []
    assert AuditEntry.objects.count() == before + 60
    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs))
    assert "audit chain intact" in _verify()
