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
from .domain.rules import CLASS_CODES, RELATIONSHIP_CODES, TIER_CODES
from .domain.thresholds import Thresholds
from .domain.windows import months_before

CHUNK = 50_000


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


def _fen_sum(cond: str) -> str:
    """The amounts of the orders matching cond, in fen. PostgreSQL adds each amount as a whole number of fen
    (numeric(14,2) times 100 is exact), then makes the sum a bigint once per customer: integer sums are cheaper
    than numeric ones (the order pass at 10M orders: 8.1 s against 8.9 s, medians of 5 taken alternately).
    SQLite stores amounts as floating point: it sums them and rounds the sum once."""
    if connection.vendor == "postgresql":
        return f"COALESCE(SUM((amount * 100)::bigint) FILTER (WHERE {cond}), 0)::bigint"
    return f"CAST(ROUND(COALESCE(SUM(amount) FILTER (WHERE {cond}), 0) * 100) AS BIGINT)"


def _order_sql(where: str, edges: list) -> str:
    cols = []
    for j in range(len(edges) - 1):
        cond = f"date > %(edge{j + 1})s AND date <= %(edge{j})s"
        cols += [_fen_sum(cond), f"COUNT(*) FILTER (WHERE {cond})"]
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


def _frames(sql: str, params: dict, ncols: int):
    """The rows of a query whose columns are all integers or booleans, never NULL, as int64 arrays of at most
    CHUNK rows. For a full run PostgreSQL sends them as binary COPY, read by numpy without a Python object per
    value: at a million customers that object per value cost more than some of the statements themselves.
    One customer's statements (params with "cid") are executed as usual: they return a row or two, and
    the driver prepares repeated statements, which a COPY cannot be (3× slower there)."""
    if connection.vendor != "postgresql" or "cid" in params:
        for chunk in _rows(sql, params):
            yield np.array(chunk, dtype=np.int64).reshape(len(chunk), ncols)
        return
    with connection.cursor() as cur, cur.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)", params) as copy:
        yield from binary_frames(copy, ncols)


COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_WIDTHS = {1: "?", 2: ">i2", 4: ">i4", 8: ">i8"}


def binary_frames(chunks, ncols: int, size: int = CHUNK):
    """Decode a binary COPY stream (PostgreSQL's documented format) of fixed-width, non-NULL columns: every
    row has the layout of the first, so a chunk of rows is one numpy record array. A row that differs (a
    NULL, another width) is refused rather than misread."""
    buf = bytearray()
    dtype = start = None
    for data in chunks:
        buf += data
        if dtype is None:
            dtype, start = _layout(buf, ncols)
            if dtype is None:
                continue
        n = (len(buf) - start) // dtype.itemsize
        if n >= size:
            yield _decode(buf, start, n, dtype, ncols)
            del buf[:start + n * dtype.itemsize]
            start = 0
    if dtype is None:
        raise ValueError("binary copy stream ended before its header and first row")
    n, rest = divmod(len(buf) - start - 2, dtype.itemsize)
    if rest or bytes(buf[-2:]) != b"\xff\xff":
        raise ValueError("binary copy stream does not end with whole rows and its trailer")
    if n:
        yield _decode(buf, start, n, dtype, ncols)


def _layout(buf: bytearray, ncols: int):
    """(record dtype, offset of the first row) once the header and the first row have arrived, else
    (None, None). An empty result (the trailer right after the header) gets a dtype that matches no row."""
    if len(buf) < 21:
        return None, None
    if bytes(buf[:11]) != COPY_SIGNATURE:
        raise ValueError("not a binary copy stream")
    pos = 19 + int.from_bytes(buf[15:19], "big")
    if len(buf) < pos + 2:
        return None, None
    count = int.from_bytes(buf[pos:pos + 2], "big", signed=True)
    if count == -1:
        return np.dtype([("n", ">i2")] + [(f"v{i}", ">i8") for i in range(ncols)]), pos
    if count != ncols:
        raise ValueError(f"binary copy row has {count} columns, expected {ncols}")
    fields, at = [("n", ">i2")], pos + 2
    for i in range(ncols):
        if len(buf) < at + 4:
            return None, None
        width = int.from_bytes(buf[at:at + 4], "big", signed=True)
        if width not in _WIDTHS:
            raise ValueError(f"binary copy column {i} is NULL or not a fixed-width integer (width {width})")
        fields += [(f"l{i}", ">i4"), (f"v{i}", _WIDTHS[width])]
        at += 4 + width
    return np.dtype(fields), pos


def _decode(buf: bytearray, start: int, n: int, dtype: np.dtype, ncols: int) -> np.ndarray:
    rows = np.frombuffer(buf, dtype=dtype, count=n, offset=start)
    if (rows["n"] != ncols).any() or any((rows[f"l{i}"] != rows[f"l{i}"][0]).any() for i in range(ncols)):
        raise ValueError("binary copy rows differ in layout (a NULL or a different width)")
    out = np.empty((n, ncols), dtype=np.int64)
    for i in range(ncols):
        out[:, i] = rows[f"v{i}"]
    return out


def _code_number(column: str, codes: tuple[str, ...]) -> str:
    """SQL numbering a stored code: 0 for none, 1 + its index in codes, -1 for anything else."""
    whens = " ".join(f"WHEN '{code}' THEN {n}" for n, code in enumerate(codes, start=1))
    return f"CASE {column} WHEN '' THEN 0 {whens} ELSE -1 END"


STORED_CODES = {"value_tier": TIER_CODES, "value_class": CLASS_CODES, "relationship_type": RELATIONSHIP_CODES}


def _stored_codes(ids: np.ndarray, numbers: np.ndarray, name: str) -> np.ndarray:
    """The stored codes as strings; a value outside the known codes (-1) is read as it is."""
    codes = np.array(["", *STORED_CODES[name]], dtype=object)[np.maximum(numbers, 0)]
    odd = np.flatnonzero(numbers < 0)
    if not len(odd):
        return codes
    found: dict[int, str] = {}
    with connection.cursor() as cur:
        for start in range(0, len(odd), 500):
            some = ids[odd[start:start + 500]].tolist()
            cur.execute(f"SELECT id, {name} FROM customers_customer WHERE id IN ({', '.join(['%s'] * len(some))})",
                        some)
            found.update(cur.fetchall())
    codes[odd] = [found[i] for i in ids[odd].tolist()]
    return codes


def load(as_of: dt.date, t: Thresholds, customer_id: int | None = None) -> Snapshot:
    """Features of every live customer (or of one), aligned by customer id."""
    params = _params(as_of, t)
    one = ""
    if customer_id is not None:
        params["cid"] = customer_id
        one = "AND c.id = %(cid)s"
    codes = ", ".join(_code_number(f"c.{name}", STORED_CODES[name]) for name in STORED_CODES)
    flags = ", ".join(f"CASE WHEN c.{f} THEN 1 ELSE 0 END" for f in ("core_business", "proactive_collaboration",
                                                                        "new_demand"))
    sql = (f"SELECT c.id, c.owner_id, {flags}, {codes}, "
           f"{_day_number('c.stage_changed_at', timestamp=True)} FROM customers_customer c "
           f"WHERE c.deleted_at IS NULL {one}")
    if connection.vendor != "postgresql":
        # SQLite then walks the table in id order; unordered, it chose a partial index and looked every row up
        # from it (10 s against 4.6 s at 1M). PostgreSQL's parallel scan is faster unordered, sorted below.
        sql += " ORDER BY c.id"
    people = _stack(_frames(sql, params, 9), 9)
    people = people[np.argsort(people[:, 0], kind="stable")]  # ids ascending: rows are found by searchsorted
    id_arr = np.ascontiguousarray(people[:, 0])
    n = len(id_arr)
    cols = {name: np.zeros(n, dtype=np.int64) for name in FEATURE_NAMES}
    for k, name in enumerate(("core_business", "proactive", "new_demand"), start=2):
        cols[name] = people[:, k].astype(bool)
    current = {name: _stored_codes(id_arr, people[:, k], name) for k, name in enumerate(STORED_CODES, start=5)}
    current["stage_since"] = people[:, 8].copy()
    where = "AND customer_id = %(cid)s" if customer_id is not None else ""
    # The stored fingerprints are read on their own and placed by id (0: none yet). Joined to the customers,
    # PostgreSQL hashed a million results past work_mem in batches: the customer pass took 2.5-3.3 s at 1M,
    # against 1.2 s + 0.9 s as two scans.
    # "classified": the customer has a stored result row (a new one is inserted, an existing one updated).
    current["classification_hash"] = np.zeros(n, dtype=np.int64)
    current["classified"] = np.zeros(n, dtype=bool)
    for data in _frames(f"SELECT customer_id, hash FROM classification_result WHERE true {where}", params, 2):
        pos = _positions(id_arr, data[:, 0])
        at = pos[pos >= 0]
        current["classification_hash"][at] = data[pos >= 0, 1]
        current["classified"][at] = True

    edges = _buckets(params)
    params.update({f"edge{j}": edge for j, edge in enumerate(edges)})
    nb = len(edges) - 1
    first_order = np.zeros(n, dtype=np.int64)
    for data in _frames(_order_sql(where, edges), params, 4 + 2 * nb):
        pos = _positions(id_arr, data[:, 0])
        ok = pos >= 0
        data = data[ok]
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

    # One pass over the contracts. Of those that ended by as-of, the latest k (newest first): how many in a row
    # were not renewed. Of those that started by as-of: the first start (the cooperation's start, with the
    # first order). The ended ones are numbered apart (rn NULL for the others). At 1M customers the two passes
    # this replaces took 2.4-2.6 s on PostgreSQL and 6.8 s on SQLite, the one pass 1.8-2.0 s and 5.4-5.5 s.
    first_contract = np.zeros(n, dtype=np.int64)
    contracts_sql = (
        "SELECT customer_id, COUNT(*) FILTER (WHERE rn <= %(k)s), "
        "COALESCE(MIN(CASE WHEN rn <= %(k)s AND renewal_status <> 'not_renewed' THEN rn END), 0), "
        f"{_day_number('MIN(start_date) FILTER (WHERE start_date <= %(as_of)s)')} "
        "FROM (SELECT customer_id, renewal_status, start_date, CASE WHEN end_date <= %(as_of)s THEN "
        "ROW_NUMBER() OVER (PARTITION BY customer_id, end_date <= %(as_of)s ORDER BY end_date DESC, id DESC) END AS rn "
        f"FROM transactions_contract WHERE (end_date <= %(as_of)s OR start_date <= %(as_of)s) {where}) c "
        "GROUP BY customer_id")
    for data in _frames(contracts_sql, params, 4):
        pos = _positions(id_arr, data[:, 0])
        ok = pos >= 0
        count, first_other = data[:, 1], data[:, 2]
        cols["nonrenewed_streak"][pos[ok]] = np.where(first_other > 0, first_other - 1, count)[ok]
        first_contract[pos[ok]] = data[ok, 3]

    both = np.where(first_order == 0, first_contract, np.where(first_contract == 0, first_order,
                                                                 np.minimum(first_order, first_contract)))
    cols["first_coop"] = both
    return Snapshot(FeatureTable(id_arr, cols), current, np.ascontiguousarray(people[:, 1]))


def _stack(frames, ncols: int) -> np.ndarray:
    parts = list(frames)
    return np.concatenate(parts) if parts else np.zeros((0, ncols), dtype=np.int64)


def _positions(id_arr: np.ndarray, cids: np.ndarray) -> np.ndarray:
    """Row positions of these customer ids (-1 for ids not live, e.g. deleted customers)."""
    pos = np.searchsorted(id_arr, cids)
    pos[pos >= len(id_arr)] = 0
    found = id_arr[pos] == cids if len(id_arr) else np.zeros(len(cids), dtype=bool)
    return np.where(found, pos, -1)


def _scatter(id_arr: np.ndarray, sql: str, params: dict, target: np.ndarray) -> None:
    for data in _frames(sql, params, 2):
        pos = _positions(id_arr, data[:, 0])
        ok = pos >= 0
        target[pos[ok]] = data[ok, 1]
