"""UTC day boundaries for the per-day rollups (the rollup's days are UTC dates on both engines)."""
from __future__ import annotations

import datetime as dt

UTC = dt.timezone.utc


def utc_midnight(instant: dt.datetime, *, up: bool) -> dt.datetime:
    """The UTC midnight at or after (up) / at or before `instant`."""
    at = instant.astimezone(UTC)
    floor = at.replace(hour=0, minute=0, second=0, microsecond=0)
    return floor + dt.timedelta(days=1) if up and floor < at else floor
