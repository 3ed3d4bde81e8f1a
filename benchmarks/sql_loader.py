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
        return f"generate_series(CAST(1 AS BIGINT), {n}) AS g(i)"
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
    scaled = f"{n_customers} * {u} * {u}"
    # PostgreSQL rounds a float cast to integer, SQLite truncates: floor explicitly where it matters.
    customer = f"(1 + CAST(FLOOR({scaled}) AS BIGINT))" if connection.vendor == "postgresql" \
        else f"(1 + CAST({scaled} AS INTEGER))"
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


def fast_load() -> None:
    """PostgreSQL: skip foreign-key trigger checks for this session's bulk load (ids are generated valid)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")


def analyze() -> None:
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


# --- report data (issue 6): classification keys, funnel moves, follow-ups ------------------------------------

def _ts_plus(col: str, unit: str, expr: str) -> str:
    """`col` moved forward by `expr` days or hours, on either engine."""
    if connection.vendor == "postgresql":
        return f"({col} + make_interval({unit} => CAST({expr} AS INTEGER)))"
    return f"strftime('%Y-%m-%d %H:%M:%f', {col}, printf('%+d {unit}', {expr}))"


def enrich_customers() -> None:
    """Fill the fields the reports group by (source, industry, province, tiers, churn reason, first contact,
    next follow-up) from the id, and date each customer's last stage move after its creation."""
    pick = lambda mult, keys: "CASE " + " ".join(  # noqa: E731
        f"WHEN {_h('id', mult, len(keys))} = {k} THEN '{v}'" for k, v in enumerate(keys)) + " END"
    moved = _ts_plus("created_at", "days", f"5 + {_h('id', 40014, 90)}")
    contact = _ts_plus("created_at", "hours", f"-1 - {_h('id', 7, 48)}")
    due = _ts_plus("created_at", "days", f"30 + {_h('id', 11, 1000)}")
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE customers_customer SET "
            f"source = {pick(48271, ['exhibition', 'referral', 'website', 'ads', 'cold_call'])}, "
            f"industry = {pick(69621, ['manufacturing', 'it', 'retail', 'finance', 'education', 'healthcare'])}, "
            f"province = {pick(16807, ['广东', '江苏', '浙江', '山东', '北京', '上海', '四川'])}, "
            f"value_tier = {pick(40692, ['high', 'medium', 'medium', 'low', 'low'])}, "
            f"value_class = {pick(40692, ['strategic', 'key', 'normal', 'normal', 'normal'])}, "
            f"relationship_type = {pick(39373, ['churn_risk', 'strategic', 'potential', 'stable', 'low_frequency'])}, "
            f"lost_reason = CASE WHEN stage = 'lost' THEN {pick(12345, ['price', 'competitor', 'service', 'no_need'])}"
            " ELSE '' END, "
            f"first_contact_at = {contact}, next_followup_at = {due}, "
            f"stage_changed_at = CASE WHEN stage = 'potential' THEN created_at ELSE {moved} END")


def load_stage_changes() -> None:
    """Every customer's moves: created as potential; intent, closed and lost customers moved on
    (a lost customer went through intent when id % 8 = 3); the last move at stage_changed_at."""
    rows = [
        "SELECT id, '', 'potential', created_at FROM customers_customer",
        f"SELECT id, 'potential', 'intent', {_ts_plus('created_at', 'days', '2 + id % 3')} FROM customers_customer "
        "WHERE stage = 'closed' OR (stage = 'lost' AND id % 8 = 3)",
        "SELECT id, 'potential', 'intent', stage_changed_at FROM customers_customer WHERE stage = 'intent'",
        "SELECT id, 'intent', 'closed', stage_changed_at FROM customers_customer WHERE stage = 'closed'",
        "SELECT id, CASE WHEN id % 8 = 3 THEN 'intent' ELSE 'potential' END, 'lost', stage_changed_at "
        "FROM customers_customer WHERE stage = 'lost'",
    ]
    with connection.cursor() as cur:
        cur.execute("INSERT INTO customers_stagechange (customer_id, from_stage, to_stage, at) "
                    + " UNION ALL ".join(rows))


def load_followups(n: int, n_customers: int) -> None:
    """n follow-ups by the customers' owners, hours to weeks after each customer was created."""
    occurred = _ts_plus("c.created_at", "hours", f"1 + {_h('g.i', 40692, 24 * 60)}")
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO followups_followup (customer_id, method, occurred_at, content, feedback, next_action, "
            "result, author_id, review_status, review_comment, created_at, updated_at) "
            f"SELECT c.id, 'phone', {occurred}, '跟进', '', '', '', c.owner_id, 'approved', '', {occurred}, "
            f"{occurred} FROM {_series(n)} JOIN customers_customer c ON c.id = 1 + {_h('g.i', 69621, n_customers)}")
