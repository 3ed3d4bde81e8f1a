"""Running a module's list of trigger / rebuild statements, shared by every trigger-kept report table."""
from __future__ import annotations


SETTING = "huike.triggers_paused"
PAUSE_TABLE = "reports_triggerpause"


def running(vendor: str) -> str:
    """The WHEN condition of a pausable insert trigger: true unless paused in this transaction (paused.py)."""
    if vendor == "postgresql":
        return f"(current_setting('{SETTING}', true) IS DISTINCT FROM 'on')"
    return f"(NOT EXISTS (SELECT 1 FROM {PAUSE_TABLE}))"


def ensure_pause_table(connection) -> None:
    """SQLite's pause flag table, before any trigger that reads it is created (earlier migrations create
    the triggers from today's definitions too)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS reports_triggerpause (paused integer NOT NULL)")  # PAUSE_TABLE


def run(connection, statements) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
