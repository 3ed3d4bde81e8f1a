"""Complaint deadlines (R-8.1): pure, hours per urgency in, due times out."""
from __future__ import annotations

import datetime as dt

# urgency: (response hours, resolution hours)
DEFAULT_DEADLINES: dict[str, tuple[int, int]] = {
    "critical": (2, 24),
    "urgent": (8, 72),
    "general": (24, 168),
}


def complaint_deadlines(
    received_at: dt.datetime, urgency: str, table: dict[str, tuple[int, int]] = DEFAULT_DEADLINES
) -> tuple[dt.datetime, dt.datetime]:
    if urgency not in table:
        raise ValueError(f"unknown urgency {urgency!r}")
    respond, resolve = table[urgency]
    return received_at + dt.timedelta(hours=respond), received_at + dt.timedelta(hours=resolve)
