"""Live customers per owner and stage (OwnerStageCount), kept by triggers on customers, PostgreSQL and SQLite.

The dashboard's customer count and stage pie read a few dozen rows instead of counting a million customers.
A customer counts while it is not soft-deleted; an insert adds one, a delete removes one, a change of owner,
stage or deletion moves one from the old row to the new.
"""
from __future__ import annotations

from ._sql import run as _run
from ._sql import ensure_pause_table, running

T = "reports_ownerstagecount"
UPSERT = f"ON CONFLICT (owner_id, stage) DO UPDATE SET customers = {T}.customers + excluded.customers"


def _delta(row: str, sign: str) -> str:
    # INSERT … SELECT … WHERE: a soft-deleted row adds nothing (and SQLite needs a WHERE before ON CONFLICT)
    return (f"INSERT INTO {T} (owner_id, stage, customers) SELECT {row}.owner_id, {row}.stage, {sign}1 "
            f"WHERE {row}.deleted_at IS NULL {UPSERT};")


MOVED = "(OLD.owner_id <> NEW.owner_id OR OLD.stage <> NEW.stage OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))"

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION reports_owner_stage() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {_delta('OLD', '-')} END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN {_delta('NEW', '')} END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER reports_owner_stage_ins_del AFTER INSERT OR DELETE ON customers_customer "
    f"FOR EACH ROW WHEN {running('postgresql')} EXECUTE FUNCTION reports_owner_stage()",
    "CREATE TRIGGER reports_owner_stage_upd AFTER UPDATE OF owner_id, stage, deleted_at ON customers_customer "
    f"FOR EACH ROW WHEN {MOVED} EXECUTE FUNCTION reports_owner_stage()",
]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS reports_owner_stage_ins_del ON customers_customer",
                 "DROP TRIGGER IF EXISTS reports_owner_stage_upd ON customers_customer"]

SQLITE = [
    f"CREATE TRIGGER reports_owner_stage_ins AFTER INSERT ON customers_customer WHEN {running('sqlite')} "
    f"BEGIN {_delta('NEW', '')} END",
    f"CREATE TRIGGER reports_owner_stage_del AFTER DELETE ON customers_customer BEGIN {_delta('OLD', '-')} END",
    "CREATE TRIGGER reports_owner_stage_upd AFTER UPDATE OF owner_id, stage, deleted_at ON customers_customer "
    f"WHEN {MOVED} BEGIN {_delta('OLD', '-')} {_delta('NEW', '')} END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS reports_owner_stage_{op}" for op in ("ins", "del", "upd")]

REBUILD = [
    f"DELETE FROM {T}",
    f"INSERT INTO {T} (owner_id, stage, customers) SELECT owner_id, stage, COUNT(*) FROM customers_customer "
    "WHERE deleted_at IS NULL GROUP BY owner_id, stage",
]



def catch_up_sql(among: str) -> str:
    """The insert trigger's +1s for the new customers `id {among}`, summed (paused.catch_up)."""
    return (f"INSERT INTO {T} (owner_id, stage, customers) SELECT owner_id, stage, COUNT(*) FROM customers_customer "
            f"WHERE id {among} AND deleted_at IS NULL GROUP BY owner_id, stage {UPSERT}")


def create_triggers(connection) -> None:
    ensure_pause_table(connection)
    _run(connection, POSTGRES if connection.vendor == "postgresql" else SQLITE)


def drop_triggers(connection) -> None:
    _run(connection, POSTGRES_DROP if connection.vendor == "postgresql" else SQLITE_DROP)


def rebuild(connection) -> None:
    _run(connection, REBUILD)
