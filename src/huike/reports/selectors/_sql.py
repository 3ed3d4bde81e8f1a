"""Small helpers for the few reports written in SQL (window functions, per-row subqueries)."""
from __future__ import annotations

from django.db import connection


def days_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"
    return f"(julianday({later}) - julianday({earlier}))"


def hours_sum(later: str, earlier: str) -> str:
    """SUM of the hours between two columns; PostgreSQL adds the intervals first (one conversion, not one per row)."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM SUM({later} - {earlier})) / 3600.0)"
    return f"(SUM(julianday({later}) - julianday({earlier})) * 24.0)"


def fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return cur.fetchall()


def subquery(queryset) -> tuple[str, tuple]:
    """The SQL of a queryset, to join against in hand-written SQL (scope and filters stay the ORM's)."""
    sql, params = queryset.query.sql_with_params()
    return sql, params


def ratio(part, whole, digits: int = 4):
    return round(part / whole, digits) if whole else None
