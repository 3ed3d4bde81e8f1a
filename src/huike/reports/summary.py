"""The sales summary (OwnerDaySales) is kept by database triggers, written here for PostgreSQL and SQLite.

Why triggers and not services: every path that changes orders or a customer's owner (services, merge,
imports, the admin, raw SQL in a migration) keeps the summary exact, in the same transaction.
"""
from __future__ import annotations

from ._sql import run as _run

T = "reports_ownerdaysales"
UPSERT = (f"ON CONFLICT (owner_id, day) DO UPDATE SET amount = {T}.amount + excluded.amount, "
          f"orders = {T}.orders + excluded.orders")


def _order_delta(row: str, sign: str) -> str:
    return (f"INSERT INTO {T} (owner_id, day, amount, orders) SELECT c.owner_id, {row}.date, {sign}{row}.amount, "
            f"{sign}1 FROM customers_customer c WHERE c.id = {row}.customer_id AND c.deleted_at IS NULL {UPSERT};")


def _customer_delta(row: str, sign: str) -> str:
    return (f"INSERT INTO {T} (owner_id, day, amount, orders) SELECT {row}.owner_id, o.date, {sign}SUM(o.amount), "
            f"{sign}COUNT(*) FROM transactions_order o WHERE o.customer_id = {row}.id AND {row}.deleted_at IS NULL "
            f"GROUP BY o.date {UPSERT};")


CUSTOMER_MOVED = ("(OLD.owner_id <> NEW.owner_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))")

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION reports_order_sales() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {_order_delta('OLD', '-')} END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN {_order_delta('NEW', '')} END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION reports_customer_sales() RETURNS trigger AS $$
BEGIN
  {_customer_delta('OLD', '-')}
  {_customer_delta('NEW', '')}
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER reports_order_sales AFTER INSERT OR DELETE OR UPDATE OF customer_id, date, amount "
    "ON transactions_order FOR EACH ROW EXECUTE FUNCTION reports_order_sales()",
    "CREATE TRIGGER reports_customer_sales AFTER UPDATE OF owner_id, deleted_at ON customers_customer "
    f"FOR EACH ROW WHEN {CUSTOMER_MOVED} EXECUTE FUNCTION reports_customer_sales()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS reports_order_sales ON transactions_order",
    "DROP TRIGGER IF EXISTS reports_customer_sales ON customers_customer",
]

SQLITE = [
    f"CREATE TRIGGER reports_order_ins AFTER INSERT ON transactions_order BEGIN {_order_delta('NEW', '')} END",
    f"CREATE TRIGGER reports_order_del AFTER DELETE ON transactions_order BEGIN {_order_delta('OLD', '-')} END",
    "CREATE TRIGGER reports_order_upd AFTER UPDATE OF customer_id, date, amount ON transactions_order BEGIN "
    f"{_order_delta('OLD', '-')} {_order_delta('NEW', '')} END",
    f"CREATE TRIGGER reports_customer_upd AFTER UPDATE OF owner_id, deleted_at ON customers_customer "
    f"WHEN {CUSTOMER_MOVED} BEGIN {_customer_delta('OLD', '-')} {_customer_delta('NEW', '')} END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in
               ("reports_order_ins", "reports_order_del", "reports_order_upd", "reports_customer_upd")]

REBUILD = [
    f"DELETE FROM {T}",
    f"INSERT INTO {T} (owner_id, day, amount, orders) SELECT c.owner_id, o.date, SUM(o.amount), COUNT(*) "
    "FROM transactions_order o JOIN customers_customer c ON c.id = o.customer_id WHERE c.deleted_at IS NULL "
    "GROUP BY c.owner_id, o.date",
]



def create_triggers(connection) -> None:
    _run(connection, POSTGRES if connection.vendor == "postgresql" else SQLITE)


def drop_triggers(connection) -> None:
    _run(connection, POSTGRES_DROP if connection.vendor == "postgresql" else SQLITE_DROP)


def rebuild(connection) -> None:
    """Recompute the summary from the orders (after a bulk load with the triggers dropped)."""
    _run(connection, REBUILD)
