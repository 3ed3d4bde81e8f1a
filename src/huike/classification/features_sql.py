"""Features per customer for one as-of date, by set-based SQL: a few grouped passes, no per-customer query.

The same statements serve the full run (all customers) and one customer (a WHERE on its id).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import connection

from .domain.features import FEATURE_NAMES, FeatureTable
from .domain.thresholds import Thresholds
from .domain.windows import months_before

CHUNK = 50_000
CURRENT = ("value_tier", "value_class", "relationship_type", "classification_hash", "stage", "stage_since")


@dataclass
class Snapshot:
    features: FeatureTable
    current: dict[str, np.ndarray]   # the stored results, aligned with features.ids
    owners: np.ndarray


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _day_number(column: str, timestamp: bool = False) -> str:
    """SQL for a date's proleptic ordinal (date.toordinal(), 0 for NULL): the database does the date
    arithmetic for a million rows instead of Python parsing a million values. Timestamps count by
    their UTC date, as the stored evidence always has."""
    if connection.vendor == "postgresql":
        day = f"({column} AT TIME ZONE 'UTC')::date" if timestamp else column
        return f"COALESCE(({day} - DATE '0001-01-01') + 1, 0)"
    return f"COALESCE(CAST(julianday(date({column})) - 1721424.5 AS INTEGER), 0)"


# Each window (start, end] of the rules, as keys of _params (None: as-of itself).
AMOUNT_WINDOWS = {"amt_annual": ("annual", None), "amt_class": ("klass", None), "amt_tier": ("tier", None),
                  "amt_recent": ("recent", None), "amt_before_recent": ("before_recent", "recent")}
COUNT_WINDOWS = {"cnt_annual": ("annual", None), "cnt_growth": ("growth", None),
                 "cnt_growth_prev": ("growth_prev", "growth")}


def _buckets(params: dict) -> list:
    """The edges, newest first, that cut the order dates into disjoint buckets (edges[j+1], edges[j]]: every
    window is a run of whole buckets, so each order is added to one sum instead of one per window."""
    starts = {params[k] for w in (*AMOUNT_WINDOWS.values(), *COUNT_WINDOWS.values()) for k in w if k}
    return sorted({params["as_of"], *starts}, reverse=True)


def _order_sql(where: str, edges: list) -> str:
    # Amounts are summed in fen per bucket and rounded once per bucket.
    cols = []
    for j in range(len(edges) - 1):
        cond = f"date > %(edge{j + 1})s AND date <= %(edge{j})s"
        cols += [f"CAST(ROUND(COALESCE(SUM(amount) FILTER (WHERE {cond}), 0) * 100) AS BIGINT)",
                 f"COUNT(*) FILTER (WHERE {cond})"]
    cols += ["COUNT(*)", _day_number("MAX(date)"), _day_number("MIN(date)")]
    return (f"SELECT customer_id, {', '.join(cols)} FROM transactions_order "
            f"WHERE date <= %(as_of)s {where} GROUP BY customer_id")


def _window_buckets(edges: list, params: dict, window: tuple) -> list[int]:
    """The buckets that make up the window (start, end]."""
    start, end = params[window[0]], params[window[1]] if window[1] else params["as_of"]
    return [j for j in range(len(edges) - 1) if edges[j] <= end and edges[j + 1] >= start]


def _params(as_of: dt.date, t: Thresholds) -> dict:
    return {
        "as_of": as_of,
        "annual": months_before(as_of, t.annual_window_months),
        "klass": months_before(as_of, t.class_window_months),
        "tier": months_before(as_of, t.tier_window_months),
        "recent": months_before(as_of, t.churn_drop_window_months),
        "before_recent": months_before(as_of, 2 * t.churn_drop_window_months),
        "growth": months_before(as_of, t.growth_window_months),
        "growth_prev": months_before(as_of, 2 * t.growth_window_months),
        "complaints_from": _day_start(months_before(as_of, t.annual_window_months) + dt.timedelta(days=1)),
        "complaints_to": _day_start(as_of + dt.timedelta(days=1)),
        "k": t.churn_nonrenewed_contracts,
    }


def _rows(sql: str, params: dict):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while True:
            chunk = cur.fetchmany(CHUNK)
            if not chunk:
                return
            yield chunk


def load(as_of: dt.date, t: Thresholds, customer_id: int | None = None) -> Snapshot:
    """Features of every live customer (or of one), aligned by customer id."""
    params = _params(as_of, t)
    one = ""
    if customer_id is not None:
        params["cid"] = customer_id
        one = "AND c.id = %(cid)s"
    sql = ("SELECT c.id, c.owner_id, c.core_business, c.proactive_collaboration, c.new_demand, c.value_tier, "
           "c.value_class, c.relationship_type, COALESCE(r.hash, 0), c.stage, "
           f"{_day_number('c.stage_changed_at', timestamp=True)} FROM customers_customer c "
           "LEFT JOIN classification_result r ON r.customer_id = c.id "
           f"WHERE c.deleted_at IS NULL {one} ORDER BY c.id")
    columns: list[list] = [[] for _ in range(5 + len(CURRENT))]
    for chunk in _rows(sql, params):
        for column, values in zip(columns, zip(*chunk)):  # column-wise: one extend per column and chunk
            column.extend(values)
    id_arr = np.array(columns[0], dtype=np.int64)
    n = len(id_arr)
    cols = {name: np.zeros(n, dtype=np.int64) for name in FEATURE_NAMES}
    for name, values in zip(("core_business", "proactive", "new_demand"), columns[2:5]):
        cols[name] = np.array(values, dtype=bool)
    current = dict(zip(CURRENT, columns[5:]))
    where = "AND customer_id = %(cid)s" if customer_id is not None else ""

    edges = _buckets(params)
    params.update({f"edge{j}": edge for j, edge in enumerate(edges)})
    nb = len(edges) - 1
    first_order = np.zeros(n, dtype=np.int64)
    for chunk in _rows(_order_sql(where, edges), params):
        pos = _positions(id_arr, chunk)
        ok = pos >= 0
        data = np.array(chunk, dtype=np.int64)[ok]
        at = pos[ok]
        for name, window in (*AMOUNT_WINDOWS.items(), *COUNT_WINDOWS.items()):
            offset = 1 if name.startswith("cnt_") else 0  # bucket j: fen in column 1 + 2j, count in 2 + 2j
            cols[name][at] = sum(data[:, 1 + 2 * j + offset] for j in _window_buckets(edges, params, window))
        cols["orders_ever"][at] = data[:, 1 + 2 * nb]
        cols["last_order"][at] = data[:, 2 + 2 * nb]
        first_order[at] = data[:, 3 + 2 * nb]

    complaints_sql = ("SELECT customer_id, COUNT(*) FROM service_complaint WHERE received_at >= %(complaints_from)s "
                      f"AND received_at < %(complaints_to)s {where} GROUP BY customer_id")
    _scatter(id_arr, complaints_sql, params, cols["complaints_annual"])

    # The latest k contracts that ended by as-of: how many in a row, newest first, were not renewed.
    streak_sql = (
        "SELECT customer_id, COUNT(*), MIN(CASE WHEN renewal_status <> 'not_renewed' THEN rn END) FROM ("
        "SELECT customer_id, renewal_status, ROW_NUMBER() OVER (PARTITION BY customer_id "
        "ORDER BY end_date DESC, id DESC) AS rn FROM transactions_contract "
        f"WHERE end_date <= %(as_of)s {where}) latest WHERE rn <= %(k)s GROUP BY customer_id")
    for chunk in _rows(streak_sql, params):
        pos = _positions(id_arr, chunk)
        ok = pos >= 0
        count = np.fromiter((r[1] for r in chunk), dtype=np.int64, count=len(chunk))
        first_other = np.fromiter((r[2] or 0 for r in chunk), dtype=np.int64, count=len(chunk))
        cols["nonrenewed_streak"][pos[ok]] = np.where(first_other > 0, first_other - 1, count)[ok]

    first_contract = np.zeros(n, dtype=np.int64)
    contract_sql = (f"SELECT customer_id, {_day_number('MIN(start_date)')} FROM transactions_contract "
                    f"WHERE start_date <= %(as_of)s {where} GROUP BY customer_id")
    _scatter(id_arr, contract_sql, params, first_contract)
    both = np.where(first_order == 0, first_contract, np.where(first_contract == 0, first_order,
                                                                 np.minimum(first_order, first_contract)))
    cols["first_coop"] = both
    cur = {k: np.array(v, dtype=np.int64 if k == "stage_since" else object) for k, v in current.items()}
    return Snapshot(FeatureTable(id_arr, cols), cur, np.array(columns[1], dtype=np.int64))


def _positions(id_arr: np.ndarray, chunk) -> np.ndarray:
    """Row positions of the chunk's customer ids (-1 for ids not live, e.g. deleted customers)."""
    cids = np.fromiter((r[0] for r in chunk), dtype=np.int64, count=len(chunk))
    pos = np.searchsorted(id_arr, cids)
    pos[pos >= len(id_arr)] = 0
    found = id_arr[pos] == cids if len(id_arr) else np.zeros(len(cids), dtype=bool)
    return np.where(found, pos, -1)


def _scatter(id_arr: np.ndarray, sql: str, params: dict, target: np.ndarray) -> None:
    for chunk in _rows(sql, params):
        pos = _positions(id_arr, chunk)
        ok = pos >= 0
        target[pos[ok]] = np.fromiter((r[1] for r in chunk), dtype=np.int64, count=len(chunk))[ok]
