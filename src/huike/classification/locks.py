"""Who writes classification results at a time: PostgreSQL advisory locks, held to the end of the transaction.

A run holds the run lock alone, from before it reads the customers to its commit. The customers it read
without a stored result get theirs straight into the table (COPY, no upsert): no one else can have written
one in between. A one-customer reclassification shares the run lock (it waits for a run in progress) and
holds its customer's lock, so two reclassifications of one customer follow each other, the second reading
what the first wrote.

SQLite needs none of this: every write transaction takes the database's write lock at BEGIN
(transaction_mode IMMEDIATE), so a run already excludes every other writer from its first read.
"""
from __future__ import annotations

from django.db import connection

from huike.core.errors import DomainError

RUNS = 0x484B4331  # the two-key advisory lock spaces: (RUNS, 0) for runs, (CUSTOMERS, id) per customer
CUSTOMERS = 0x484B4332


class RunInProgress(DomainError):
    """A classification run is writing; a one-customer reclassification that may not wait is refused."""


def hold_run() -> None:
    """The run lock, alone: waits for the reclassifications in progress to commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, 0)", [RUNS])


def hold_customer(customer_id: int, wait: bool = True) -> None:
    """The run lock shared and the customer's lock; without `wait`, RunInProgress instead of waiting for a run."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        if wait:
            cur.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [RUNS])
        else:
            cur.execute("SELECT pg_try_advisory_xact_lock_shared(%s, 0)", [RUNS])
            if not cur.fetchone()[0]:
                raise RunInProgress()
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CUSTOMERS, customer_id & 0x7FFFFFFF])
