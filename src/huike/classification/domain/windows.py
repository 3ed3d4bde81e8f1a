"""Calendar windows: "the last N months" is (as_of − N months, as_of].

Every boundary is counted from as_of itself, so consecutive windows meet exactly:
the window before the last 3 months is (as_of − 6 months, as_of − 3 months].
"""
from __future__ import annotations

import datetime as dt

from huike.followups.domain.cadence import add_months


def months_before(as_of: dt.date, months: int) -> dt.date:
    return add_months(as_of, -months)


def window(as_of: dt.date, months: int, offset_months: int = 0) -> tuple[dt.date, dt.date]:
    """(start, end) of the window (start, end]: `months` long, ending `offset_months` before as_of."""
    return months_before(as_of, offset_months + months), months_before(as_of, offset_months)


def in_window(day: dt.date, as_of: dt.date, months: int, offset_months: int = 0) -> bool:
    start, end = window(as_of, months, offset_months)
    return start < day <= end
