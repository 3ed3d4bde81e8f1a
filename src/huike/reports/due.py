"""Customers due for a follow-up per owner and due day (OwnerDueCount), kept by triggers on customers.

"Overdue now" counts every live customer whose next follow-up is past, except a lost customer with no
planned follow-up (customers.selectors.overdue_customers). The count adds the whole UTC days before today
from this table and reads only today's part (midnight UTC until now) from the customers' due index.
"""
from __future__ import annotations

from ._sql import run as _run
from ._sql import ensure_pause_table, running

T = "reports_ownerduecount"
UPSERT = f"ON CONFLICT (owner_id, day) DO UPDATE SET customers = {T}.customers + excluded.customers"
COLUMNS = ("owner_id", "next_followup_at", "next_followup_reason", "stage", "deleted_at")


def _counted(r: str) -> str:
    return (f"{r}.deleted_at IS NULL AND {r}.next_followup_at IS NOT NULL "
            f"AND NOT ({r}.stage = 'lost' AND {r}.next_followup_reason = '')")


def _day(vendor: str, r: str) -> str:
    if vendor == "postgresql":
        return f"CAST(({r}.next_followup_at AT TIME ZONE 'UTC') AS date)"
    return f"date({r}.next_followup_at)"


def _delta(vendor: str, r: str, sign: str) -> str:
    return (f"INSERT INTO {T} (owner_id, day, customers) SELECT {r}.owner_id, {_day(vendor, r)}, {sign}1 "
            f"WHERE {_counted(r)} {UPSERT};")


def _changed(vendor: str) -> str:
    op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return "(" + " OR ".join(f"OLD.{c} {op} NEW.{c}" for c in COLUMNS) + ")"


def _postgres() -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION reports_owner_due() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {_delta('postgresql', 'OLD', '-')} END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN {_delta('postgresql', 'NEW', '')} END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER reports_owner_due_ins_del AFTER INSERT OR DELETE ON customers_customer "
        f"FOR EACH ROW WHEN {running('postgresql')} EXECUTE FUNCTION reports_owner_due()",
        f"CREATE TRIGGER reports_owner_due_upd AFTER UPDATE OF {', '.join(COLUMNS)} ON customers_customer "
        f"FOR EACH ROW WHEN {_changed('postgresql')} EXECUTE FUNCTION reports_owner_due()",
    ]


def _sqlite() -> list[str]:
    return [
        f"CREATE TRIGGER reports_owner_due_ins AFTER INSERT ON customers_customer WHEN {running('sqlite')} BEGIN "
        f"{_delta('sqlite', 'NEW', '')} END",
        f"CREATE TRIGGER reports_owner_due_del AFTER DELETE ON customers_customer BEGIN "
        f"{_delta('sqlite', 'OLD', '-')} END",
        f"CREATE TRIGGER reports_owner_due_upd AFTER UPDATE OF {', '.join(COLUMNS)} ON customers_customer "
        f"WHEN {_changed('sqlite')} BEGIN {_delta('sqlite', 'OLD', '-')} {_delta('sqlite', 'NEW', '')} END",
    ]


def _drops(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS reports_owner_due_{op} ON customers_customer" for op in ("ins_del", "upd")]
    return [f"DROP TRIGGER IF EXISTS reports_owner_due_{op}" for op in ("ins", "del", "upd")]



def catch_up_sql(vendor: str, among: str) -> str:
    """The insert trigger's +1s for the new customers `id {among}`, summed (paused.catch_up)."""
    day = _day(vendor, "c")
    return (f"INSERT INTO {T} (owner_id, day, customers) SELECT c.owner_id, {day}, COUNT(*) FROM customers_customer c "
            f"WHERE c.id {among} AND {_counted('c')} GROUP BY c.owner_id, {day} {UPSERT}")


def create_triggers(connection) -> None:
    ensure_pause_table(connection)
    _run(connection, _postgres() if connection.vendor == "postgresql" else _sqlite())


def drop_triggers(connection) -> None:
    _run(connection, _drops(connection.vendor))


def rebuild(connection) -> None:
    day = _day(connection.vendor, "c")
    _run(connection, [f"DELETE FROM {T}",
                      f"INSERT INTO {T} (owner_id, day, customers) SELECT c.owner_id, {day}, COUNT(*) "
                      f"FROM customers_customer c WHERE {_counted('c')} GROUP BY c.owner_id, {day}"])
