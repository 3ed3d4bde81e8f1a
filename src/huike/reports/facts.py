"""CustomerFact rows, kept by database triggers on customers, stage moves and follow-ups.

One statement recomputes a customer's facts from its row, its few stage moves and follow-ups (the same
statement, without the customer condition, rebuilds them all after a bulk load); the triggers run it for the
customer a write touched, in the same transaction, on PostgreSQL and SQLite alike. The customer columns the
book reports group by (MIRRORED) are copied on every change of them, so the funnel, follow-up and health
reports read one narrow table and never join the wide customer rows.
"""
from __future__ import annotations

from contextlib import contextmanager

from ._sql import run as _run
from ._sql import ensure_pause_table, running

STAGES = ("potential", "intent", "closed", "lost")
T = "reports_customerfact"
MIRRORED = ["owner_id", "deleted_at", "created_at", "stage", "intent", "first_contact_at", "stage_changed_at",
            "value_tier", "lost_reason"]
COLUMNS = ["customer_id", "reached", *[f"{s}_{k}" for s in STAGES for k in ("days", "stays")], "first_followup_at",
           *MIRRORED]
# A change of these recomputes the stays (the first stay runs from the creation); of the rest, a copy.
RECOMPUTE_ON = "created_at"
RESYNC = "reports_fact_resync"  # mirror_paused: the customers whose mirrored columns moved (a temporary table)


def _days(vendor: str, later: str, earlier: str) -> str:
    if vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"
    return f"(julianday({later}) - julianday({earlier}))"


def _reached(stage: str) -> str:
    """The funnel rank of a stage column: 0 potential (and lost), 1 intent, 2 closed."""
    return f"CASE {stage} WHEN 'intent' THEN 1 WHEN 'closed' THEN 2 ELSE 0 END"


def recompute_sql(vendor: str, customer: str | None, among: str | None = None) -> str:
    """INSERT … SELECT of the facts of `customer` (an SQL expression), of the customers `id {among}`
    (e.g. "IN (1, 2)"), or of every customer when both are None."""
    condition = f"= {customer}" if customer else among
    only = (lambda col: f" WHERE {col} {condition}") if condition else (lambda col: "")
    rank = _reached("w.to_stage")
    per_stage = ", ".join(
        f"SUM(CASE WHEN w.from_stage = '{s}' THEN w.days END) AS {s}_days, "
        f"SUM(CASE WHEN w.from_stage = '{s}' THEN 1 ELSE 0 END) AS {s}_stays" for s in STAGES)
    moves = (
        f"SELECT sc.customer_id, sc.from_stage, sc.to_stage, "
        f"{_days(vendor, 'sc.at', 'COALESCE(LAG(sc.at) OVER (PARTITION BY sc.customer_id ORDER BY sc.at, sc.id), c2.created_at)')}"
        f" AS days FROM customers_stagechange sc JOIN customers_customer c2 ON c2.id = sc.customer_id"
        f"{only('sc.customer_id')}")
    stays = f"SELECT w.customer_id, MAX({rank}) AS reached, {per_stage} FROM ({moves}) w GROUP BY w.customer_id"
    first = f"SELECT f.customer_id, MIN(f.occurred_at) AS first_at FROM followups_followup f{only('f.customer_id')} " \
            "GROUP BY f.customer_id"
    values = ", ".join(["c.id", "COALESCE(s.reached, 0)",
                        *[f"s.{s}_days, COALESCE(s.{s}_stays, 0)" for s in STAGES], "ff.first_at",
                        *[f"c.{col}" for col in MIRRORED]])
    where = f" WHERE c.id {condition}" if condition else " WHERE 1 = 1"
    return (f"INSERT INTO {T} ({', '.join(COLUMNS)}) SELECT {values} FROM customers_customer c "
            f"LEFT JOIN ({stays}) s ON s.customer_id = c.id LEFT JOIN ({first}) ff ON ff.customer_id = c.id{where}")


def insert_sql(among: str) -> str:
    """The facts rows of new customers (none has one yet: a duplicate is an error), for paused.catch_up: what
    recompute_sql gives a customer whose only stage move is its first (from no stage to its stage) and who
    has no follow-ups yet, read from the customer row alone. No stay has ended (days NULL, stays 0), the
    stage reached is the customer's stage, and there is no first follow-up."""
    values = ", ".join(["c.id", _reached("c.stage"), *["NULL, 0" for _ in STAGES], "NULL", *[f"c.{col}" for col in MIRRORED]])
    return f"INSERT INTO {T} ({', '.join(COLUMNS)}) SELECT {values} FROM customers_customer c WHERE c.id {among}"


def upsert_sql(vendor: str, customer: str) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
    return f"{recompute_sql(vendor, customer)} ON CONFLICT (customer_id) DO UPDATE SET {updates};"


def mirror_sql(row: str = "NEW") -> str:
    """Copy the customer's mirrored columns (a cheap write by primary key: owner, stage, tier changes)."""
    cols = ", ".join(MIRRORED)
    values = ", ".join(f"{row}.{c}" for c in MIRRORED)
    updates = ", ".join(f"{c} = excluded.{c}" for c in MIRRORED)
    zeros = ["reached", *[f"{s}_stays" for s in STAGES]]  # NOT NULL is checked before the conflict
    return (f"INSERT INTO {T} (customer_id, {', '.join(zeros)}, {cols}) "
            f"VALUES ({row}.id, {', '.join('0' for _ in zeros)}, {values}) "
            f"ON CONFLICT (customer_id) DO UPDATE SET {updates};")


def _changed(columns) -> str:
    return " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)


@contextmanager
def mirror_paused(connection, ids_sql: str | None, columns: tuple[str, ...] = tuple(MIRRORED),
                  source: str = "customers_customer"):
    """A bulk writer of mirrored columns (a classification run rewrites a million tiers) runs its customer
    updates in the block without the per-row mirror and its day rollup (paused.paused: the same pause as a
    batch of new customers), then syncs the facts of those customers among `ids_sql` (a SELECT of customer
    ids) whose mirrored `columns` (the ones the block may write) now differ. Customers whose columns did not
    move (a value class or relationship type change) cost one comparison. Only for writes that leave
    created_at (RECOMPUTE_ON) alone; needs a transaction (a failure rolls the pause back with everything else).

    A block that moves none of a row's day and owner (rollup.KEYED) changes the rollup's sums in place: one
    pass adds, per owner and day, the difference of the metrics that read the moved columns (for the tiers:
    the high-value count). Otherwise the rollup loses the moved customers' old rows and gains their new ones.
    `source` is where the new values are read: the customers, or a narrower table of the writer's (an `id`
    and the `columns`, as the block wrote them to the customers). With such a table, `ids_sql` None means
    the customers are those of the table: its join is the only filter (a second pass over a million staged
    ids cost a second in each statement)."""
    from . import paused, rollup

    if ids_sql is None and source == "customers_customer":
        raise ValueError("mirror_paused needs the ids of the customers the block may write")
    differs = " OR ".join(f"f.{c} IS DISTINCT FROM c.{c}" for c in columns)
    if ids_sql is None and connection.vendor == "sqlite":
        # SQLite has no statistics on a temporary table: joined alone, it scanned a million facts for one
        # reclassified customer (1.1 s); its ids in front make it look the few rows up
        ids_sql = f"SELECT id FROM {source}"
    among = f"f.customer_id IN ({ids_sql}) AND " if ids_sql is not None else ""
    moved = f"{among}({differs})"
    cols = ", ".join(f"{c} = c.{c}" for c in columns)
    with paused.paused(connection):
        yield
        with connection.cursor() as cur:
            if not set(columns) & set(rollup.KEYED):
                delta = rollup.moved_sql(connection.vendor, moved, columns, source)
                if delta:
                    cur.execute(delta)
                cur.execute(f"UPDATE {T} AS f SET {cols} FROM {source} c WHERE c.id = f.customer_id AND {moved}")
                return
            among = f"IN (SELECT customer_id FROM {RESYNC})"
            cur.execute(f"CREATE TEMP TABLE {RESYNC} AS SELECT f.customer_id FROM {T} f JOIN {source} c "
                        f"ON c.id = f.customer_id WHERE {moved}")
            cur.execute(rollup.catch_up_sql(connection.vendor, among, sign="-"))
            cur.execute(f"UPDATE {T} SET {cols} FROM {source} c WHERE c.id = {T}.customer_id "
                        f"AND {T}.customer_id {among}")
            cur.execute(rollup.catch_up_sql(connection.vendor, among))
            cur.execute(f"DROP TABLE {RESYNC}")


def _postgres() -> list[str]:
    body = upsert_sql("postgresql", "cid")
    return [
        f"""CREATE OR REPLACE FUNCTION reports_customer_fact() RETURNS trigger AS $$
DECLARE cid bigint;
BEGIN
  IF TG_TABLE_NAME = 'customers_customer' THEN
    IF TG_OP = 'DELETE' THEN DELETE FROM {T} WHERE customer_id = OLD.id; RETURN NULL; END IF;
    IF TG_OP = 'INSERT' OR OLD.{RECOMPUTE_ON} IS DISTINCT FROM NEW.{RECOMPUTE_ON} THEN
      cid := NEW.id; {body}
    ELSE {mirror_sql()} END IF;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN cid := OLD.customer_id; {body} END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN cid := NEW.customer_id; {body} END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER reports_stagechange_fact AFTER INSERT OR DELETE OR UPDATE OF customer_id, from_stage, "
        f"to_stage, at ON customers_stagechange FOR EACH ROW WHEN {running('postgresql')} "
        "EXECUTE FUNCTION reports_customer_fact()",
        "CREATE TRIGGER reports_followup_fact AFTER INSERT OR DELETE OR UPDATE OF customer_id, occurred_at "
        "ON followups_followup FOR EACH ROW EXECUTE FUNCTION reports_customer_fact()",
        "CREATE TRIGGER reports_customer_fact_gone AFTER DELETE ON customers_customer "
        "FOR EACH ROW EXECUTE FUNCTION reports_customer_fact()",
        "CREATE TRIGGER reports_customer_fact_new AFTER INSERT ON customers_customer "
        f"FOR EACH ROW WHEN {running('postgresql')} EXECUTE FUNCTION reports_customer_fact()",
        f"CREATE TRIGGER reports_customer_fact_upd AFTER UPDATE OF {', '.join(MIRRORED)} ON customers_customer "
        f"FOR EACH ROW WHEN (({_changed(MIRRORED)}) AND {running('postgresql')}) "
        "EXECUTE FUNCTION reports_customer_fact()",
    ]


POSTGRES_DROP = ["DROP TRIGGER IF EXISTS reports_stagechange_fact ON customers_stagechange",
                 "DROP TRIGGER IF EXISTS reports_followup_fact ON followups_followup",
                 "DROP TRIGGER IF EXISTS reports_customer_fact_gone ON customers_customer",
                 "DROP TRIGGER IF EXISTS reports_customer_fact_new ON customers_customer",
                 "DROP TRIGGER IF EXISTS reports_customer_fact_upd ON customers_customer"]


def _sqlite() -> list[str]:
    out = []
    for table, name, cols in (("customers_stagechange", "stagechange", "customer_id, from_stage, to_stage, at"),
                              ("followups_followup", "followup", "customer_id, occurred_at")):
        out += [
            f"CREATE TRIGGER reports_{name}_fact_ins AFTER INSERT ON {table}"
            f"{' WHEN ' + running('sqlite') if name == 'stagechange' else ''} BEGIN "
            f"{upsert_sql('sqlite', 'NEW.customer_id')} END",
            f"CREATE TRIGGER reports_{name}_fact_del AFTER DELETE ON {table} BEGIN "
            f"{upsert_sql('sqlite', 'OLD.customer_id')} END",
            f"CREATE TRIGGER reports_{name}_fact_upd AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"{upsert_sql('sqlite', 'OLD.customer_id')} {upsert_sql('sqlite', 'NEW.customer_id')} END",
        ]
    out.append(f"CREATE TRIGGER reports_customer_fact_gone AFTER DELETE ON customers_customer BEGIN "
               f"DELETE FROM {T} WHERE customer_id = OLD.id; END")
    cols = ", ".join(MIRRORED)
    out += [
        f"CREATE TRIGGER reports_customer_fact_new AFTER INSERT ON customers_customer WHEN {running('sqlite')} BEGIN "
        f"{upsert_sql('sqlite', 'NEW.id')} END",
        f"CREATE TRIGGER reports_customer_fact_moved AFTER UPDATE OF {RECOMPUTE_ON} ON customers_customer "
        f"WHEN {_sqlite_changed([RECOMPUTE_ON])} BEGIN {upsert_sql('sqlite', 'NEW.id')} END",
        f"CREATE TRIGGER reports_customer_fact_upd AFTER UPDATE OF {cols} ON customers_customer "
        f"WHEN ({_sqlite_changed(MIRRORED)}) AND NOT ({_sqlite_changed([RECOMPUTE_ON])}) "
        f"AND {running('sqlite')} BEGIN {mirror_sql()} END",
    ]
    return out


def _sqlite_changed(columns) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


SQLITE_DROP = [f"DROP TRIGGER IF EXISTS reports_{n}_fact_{op}" for n in ("stagechange", "followup")
               for op in ("ins", "del", "upd")] + [f"DROP TRIGGER IF EXISTS reports_customer_fact_{op}"
                                                   for op in ("gone", "new", "moved", "upd")]



def create_triggers(connection) -> None:
    ensure_pause_table(connection)
    _run(connection, _postgres() if connection.vendor == "postgresql" else _sqlite())


def drop_triggers(connection) -> None:
    _run(connection, POSTGRES_DROP if connection.vendor == "postgresql" else SQLITE_DROP)


def rebuild_rows(connection) -> None:
    """Recompute every row (the per-day rollup's triggers, when present, follow row by row)."""
    _run(connection, [f"DELETE FROM {T}", recompute_sql(connection.vendor, None)])


def rebuild(connection) -> None:
    """Recompute every row; the per-day rollup of the facts is rebuilt after it, not row by row."""
    from . import rollup

    rollup.drop_triggers(connection)
    rebuild_rows(connection)
    rollup.rebuild(connection)
    rollup.create_triggers(connection)
