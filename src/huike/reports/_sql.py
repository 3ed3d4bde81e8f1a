"""Running a module's list of trigger / rebuild statements, shared by every trigger-kept report table."""
from __future__ import annotations


def run(connection, statements) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
