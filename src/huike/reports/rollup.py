"""Facts summed per owner and creation day (OwnerDayFacts), kept by triggers on the facts table.

A year of the funnel, follow-up and health reports adds ~365 rows per owner instead of reading every
customer created in it. Days are UTC dates (engine-neutral); a period's local-day edges that cut a UTC day
are read from the facts themselves (fact_sums), so the sums are exact for any period.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db import connection

from ._days import utc_midnight
from ._sql import run as _run
from ._sql import ensure_pause_table, running

T = "reports_ownerdayfacts"
F = "reports_customerfact"
STAGES = ("potential", "intent", "closed", "lost")


def metric_sql(vendor: str, r: str) -> dict[str, str]:
    """Each summed metric as an SQL expression over one facts row `r` (NEW, OLD or a table alias)."""
    since = f"COALESCE({r}.first_contact_at, {r}.created_at)"
    if vendor == "postgresql":
        hours = f"EXTRACT(EPOCH FROM ({r}.first_followup_at - {since})) / 3600.0"
    else:
        hours = f"(julianday({r}.first_followup_at) - julianday({since})) * 24.0"

    def flag(cond: str) -> str:
        return f"CASE WHEN {cond} THEN 1 ELSE 0 END"
    out = {
        "customers": "1",
        "reached_1": flag(f"{r}.stage IN ('intent', 'closed') OR {r}.reached >= 1"),
        "reached_2": flag(f"{r}.stage = 'closed' OR {r}.reached >= 2"),
        "lost_now": flag(f"{r}.stage = 'lost'"),
        "responded": flag(f"{r}.first_followup_at IS NOT NULL"),
        "response_hours": f"COALESCE({hours}, 0)",
        "high_intent": flag(f"{r}.intent = 'high'"),
        "high_intent_closed": flag(f"{r}.intent = 'high' AND {r}.stage = 'closed'"),
        "high_value": flag(f"{r}.value_tier = 'high'"),
    }
    for s in STAGES:
        out[f"{s}_days"] = f"COALESCE({r}.{s}_days, 0)"
        out[f"{s}_stays"] = f"{r}.{s}_stays"
    return out


METRICS = list(metric_sql("sqlite", "x"))


def _day(vendor: str, r: str) -> str:
    return f"CAST(({r}.created_at AT TIME ZONE 'UTC') AS date)" if vendor == "postgresql" else f"date({r}.created_at)"


COUNTED = "{r}.deleted_at IS NULL AND {r}.created_at IS NOT NULL AND {r}.owner_id IS NOT NULL"
KEYED = ("owner_id", "created_at", "deleted_at")  # a facts row's owner and day, and whether it is counted


def _delta(vendor: str, r: str, sign: str) -> str:
    m = metric_sql(vendor, r)
    updates = ", ".join(f"{c} = {T}.{c} + excluded.{c}" for c in m)
    return (f"INSERT INTO {T} (owner_id, day, {', '.join(m)}) SELECT {r}.owner_id, {_day(vendor, r)}, "
            f"{', '.join(f'{sign}({e})' for e in m.values())} WHERE {COUNTED.format(r=r)} "
            f"ON CONFLICT (owner_id, day) DO UPDATE SET {updates};")


def _postgres() -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION reports_fact_day() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {_delta('postgresql', 'OLD', '-')} END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN {_delta('postgresql', 'NEW', '')} END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
        f"CREATE TRIGGER reports_fact_day AFTER INSERT OR UPDATE OR DELETE ON {F} "
        f"FOR EACH ROW WHEN {running('postgresql')} EXECUTE FUNCTION reports_fact_day()",
    ]


def _sqlite() -> list[str]:
    return [
        f"CREATE TRIGGER reports_fact_day_ins AFTER INSERT ON {F} WHEN {running('sqlite')} "
        f"BEGIN {_delta('sqlite', 'NEW', '')} END",
        f"CREATE TRIGGER reports_fact_day_del AFTER DELETE ON {F} BEGIN {_delta('sqlite', 'OLD', '-')} END",
        f"CREATE TRIGGER reports_fact_day_upd AFTER UPDATE ON {F} WHEN {running('sqlite')} BEGIN "
        f"{_delta('sqlite', 'OLD', '-')} {_delta('sqlite', 'NEW', '')} END",
    ]


def _drops(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS reports_fact_day ON {F}"]
    return [f"DROP TRIGGER IF EXISTS reports_fact_day_{op}" for op in ("ins", "del", "upd")]



def create_triggers(conn) -> None:
    """Idempotent: facts.rebuild recreates them too."""
    ensure_pause_table(conn)
    _run(conn, [*_drops(conn.vendor), *(_postgres() if conn.vendor == "postgresql" else _sqlite())])


def drop_triggers(conn) -> None:
    _run(conn, _drops(conn.vendor))


def catch_up_sql(vendor: str, among: str, sign: str = "") -> str:
    """The insert trigger's deltas for the new facts rows of the customers `customer_id {among}`, summed per
    owner and day (paused.catch_up); with sign "-", the delete trigger's (facts.mirror_paused)."""
    m = metric_sql(vendor, "f")
    updates = ", ".join(f"{c} = {T}.{c} + excluded.{c}" for c in m)
    return (f"INSERT INTO {T} (owner_id, day, {', '.join(m)}) SELECT f.owner_id, {_day(vendor, 'f')}, "
            f"{', '.join(f'{sign}SUM({e})' for e in m.values())} FROM {F} f WHERE f.customer_id {among} "
            f"AND {COUNTED.format(r='f')} GROUP BY f.owner_id, {_day(vendor, 'f')} "
            f"ON CONFLICT (owner_id, day) DO UPDATE SET {updates}")


def moved_sql(vendor: str, moved: str, columns, source: str = "customers_customer") -> str | None:
    """One UPDATE of the sums for facts rows `f` whose mirrored `columns` differ from their new values `c`
    (a row of `source` by customer id; `moved`, a condition over both): each owner's and day's metrics that
    read those columns gain the new value less the old. None when no metric reads them. The columns must not
    be in KEYED (a row moving to another owner or day needs catch_up_sql)."""
    old = {k: e for k, e in metric_sql(vendor, "f").items()
           if any(re.search(rf"\bf\.{c}\b", e) for c in columns)}
    if not old:
        return None
    to_customer = re.compile(rf"\bf\.({'|'.join(columns)})\b")
    new = {k: to_customer.sub(r"c.\1", e) for k, e in old.items()}  # the row as the customer now has it
    sums = ", ".join(f"SUM(({new[k]}) - ({e})) AS {k}" for k, e in old.items())
    updates = ", ".join(f"{k} = {T}.{k} + s.{k}" for k in old)
    return (f"UPDATE {T} SET {updates} FROM (SELECT f.owner_id, {_day(vendor, 'f')} AS day, {sums} FROM {F} f "
            f"JOIN {source} c ON c.id = f.customer_id WHERE {moved} AND {COUNTED.format(r='f')} "
            f"GROUP BY f.owner_id, {_day(vendor, 'f')}) s WHERE {T}.owner_id = s.owner_id AND {T}.day = s.day")


def rebuild(conn) -> None:
    m = metric_sql(conn.vendor, "f")
    _run(conn, [f"DELETE FROM {T}",
                f"INSERT INTO {T} (owner_id, day, {', '.join(m)}) SELECT f.owner_id, {_day(conn.vendor, 'f')}, "
                f"{', '.join(f'SUM({e})' for e in m.values())} FROM {F} f WHERE {COUNTED.format(r='f')} "
                f"GROUP BY f.owner_id, {_day(conn.vendor, 'f')}"])


def split(start: dt.datetime | None, end: dt.datetime | None):
    """The whole UTC days [lo, hi) inside [start, end) and the instant ranges left at its edges."""
    lo = None if start is None else utc_midnight(start, up=True)
    hi = None if end is None else utc_midnight(end, up=False)
    if lo is not None and hi is not None and lo >= hi:
        return None, [(start, end)]
    edges = []
    if start is not None and start < lo:
        edges.append((start, lo))
    if end is not None and hi < end:
        edges.append((hi, end))
    return (lo, hi), edges


def edge_sums(fact_queryset) -> dict:
    """{owner_id: {metric: sum}} of a facts queryset (an edge of a period), in one grouped query."""
    m = metric_sql(connection.vendor, "f")
    sql, params = fact_queryset.order_by().values(
        "owner_id", "created_at", "stage", "reached", "intent", "value_tier", "first_contact_at",
        "first_followup_at", *[f"{s}_{k}" for s in STAGES for k in ("days", "stays")]).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(f"SELECT f.owner_id, {', '.join(f'SUM({e})' for e in m.values())} FROM ({sql}) f "
                    "GROUP BY f.owner_id", list(params))
        # PostgreSQL's EXTRACT is numeric (Decimal): the sums are floats like the rollup's columns
        return {row[0]: {k: float(v) if isinstance(v, Decimal) else v for k, v in zip(m, row[1:])}
                for row in cur.fetchall()}
