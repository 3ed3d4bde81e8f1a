"""Set-based loading of benchmark-scale books (customers, orders, contracts, complaints) in SQL itself.

Rows are generated inside the database (generate_series on PostgreSQL, a recursive CTE on SQLite)
from deterministic integer hashes, so 1,000,000 customers and 10,000,000 orders load in minutes and
the same figures come out on both engines. Derived text fields are minimal: the classification
reads amounts, dates, counts and flags, not names.
"""
from __future__ import annotations

import datetime as dt

from django.db import connection

from huike.customers.models import Customer

AS_OF = dt.date(2026, 10, 31)


def _series(n: int) -> str:
    if connection.vendor == "postgresql":
        return f"generate_series(1, {n}) AS g(i)"
    return f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s) AS g"


def _h(expr: str, mult: int, mod: int) -> str:
    """A deterministic pseudo-random integer in [0, mod) from a row number."""
    return f"((({expr}) * {mult}) % 2147483647 % {mod})"


def _date_minus(days_expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"(DATE '{AS_OF.isoformat()}' - CAST({days_expr} AS INTEGER))"
    return f"date('{AS_OF.isoformat()}', printf('%+d days', -({days_expr})))"


def _ts_minus(days_expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"(TIMESTAMPTZ '{AS_OF.isoformat()} 02:00:00+00' - make_interval(days => CAST({days_expr} AS INTEGER)))"
    return f"strftime('%Y-%m-%d %H:%M:%f', '{AS_OF.isoformat()} 02:00:00', printf('%+d days', -({days_expr})))"


def _bool(expr: str) -> str:
    return f"({expr})" if connection.vendor == "postgresql" else f"CASE WHEN {expr} THEN 1 ELSE 0 END"


def load_customers(n: int, owner_ids: list[int]) -> None:
    owners = "CASE " + " ".join(f"WHEN i % {len(owner_ids)} = {k} THEN {uid}" for k, uid in enumerate(owner_ids)) + " END"
    code = "'C' || lpad(CAST(i AS TEXT), 7, '0')" if connection.vendor == "postgresql" else "printf('C%07d', i)"
    exprs = {
        "id": "i", "code": code, "name": "'客户' || i", "contact_name": "'联系人'",
        "phone": "'+861' || CAST(3000000000 + i AS TEXT)", "owner_id": owners,
        "intent": "CASE i % 3 WHEN 0 THEN 'high' WHEN 1 THEN 'medium' ELSE 'low' END",
        "stage": "CASE i % 4 WHEN 0 THEN 'potential' WHEN 1 THEN 'intent' WHEN 2 THEN 'closed' ELSE 'lost' END",
        "core_business": _bool(f"{_h('i', 48271, 10)} < 3"),
        "proactive_collaboration": _bool(f"{_h('i', 69621, 10)} < 4"),
        "new_demand": _bool(f"{_h('i', 16807, 10)} < 2"),
        "created_at": _ts_minus(_h("i", 40692, 1000)), "updated_at": _ts_minus("0"),
        "stage_changed_at": _ts_minus(_h("i", 40014, 300)), "search_text": "'客户' || i",
    }
    cols, values = [], []
    for f in Customer._meta.concrete_fields:
        cols.append(f.column)
        if f.name in exprs or f.attname in exprs:
            values.append(exprs.get(f.name, exprs.get(f.attname)))
        elif f.null:
            values.append("NULL")
        elif f.get_internal_type() == "JSONField":
            values.append("'{}'")
        elif f.get_internal_type() == "BooleanField":
            values.append("FALSE" if connection.vendor == "postgresql" else "0")
        elif f.has_default():
            default = f.get_default()
            values.append(str(int(default)) if isinstance(default, (int, bool)) else f"'{default}'")
        else:
            values.append("''")
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO customers_customer ({', '.join(cols)}) SELECT {', '.join(values)} FROM {_series(n)}")
        if connection.vendor == "postgresql":
            cur.execute("SELECT setval(pg_get_serial_sequence('customers_customer', 'id'), %s)", [n])


def load_orders(n_orders: int, n_customers: int) -> None:
    """Skewed: u² puts many orders on a few customers (a Pareto-like book); dates over three years."""
    u = f"(CAST({_h('i', 48271, 1000003)} AS DOUBLE PRECISION) / 1000003)" if connection.vendor == "postgresql" \
        else f"(CAST({_h('i', 48271, 1000003)} AS REAL) / 1000003)"
    customer = f"(1 + CAST({n_customers} * {u} * {u} AS INTEGER))"
    amount = f"(CAST(100 + {_h('i', 16807, 20000)} * {_h('i', 69621, 7)} AS NUMERIC) + 0.5)"
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO transactions_order (customer_id, date, amount, product, category, created_at, updated_at) "
            f"SELECT {customer}, {_date_minus(_h('i', 40692, 1095))}, {amount}, 'P' || ({_h('i', 40014, 20)}), '', "
            f"{_ts_minus('0')}, {_ts_minus('0')} FROM {_series(n_orders)}")


def load_contracts(n: int, n_customers: int) -> None:
    status = (f"CASE {_h('i', 16807, 3)} WHEN 0 THEN 'renewed' WHEN 1 THEN 'not_renewed' ELSE 'pending' END")
    start = _h("i", 48271, 1400)
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO transactions_contract (customer_id, start_date, end_date, amount, renewal_status, disputed, "
            "created_at, updated_at) "
            f"SELECT 1 + ({_h('i', 69621, n_customers)}), {_date_minus(start)}, {_date_minus(f'{start} - 365')}, "
            f"50000, {status}, {_bool('1 = 0')}, {_ts_minus('0')}, {_ts_minus('0')} FROM {_series(n)}")


def load_complaints(n: int, n_customers: int) -> None:
    received = _ts_minus(_h("i", 40692, 500))
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO service_complaint (customer_id, urgency, channel, description, received_at, response_due_at, "
            "resolve_due_at, status, cause, resolution, negative, created_at, updated_at) "
            f"SELECT 1 + ({_h('i', 16807, max(1, n_customers // 10))}), 'general', 'phone', '投诉', {received}, "
            f"{received}, {received}, 'open', '', '', {_bool('1 = 1')}, {received}, {received} FROM {_series(n)}")


def analyze() -> None:
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
