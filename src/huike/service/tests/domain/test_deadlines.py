import datetime as dt

import pytest

from huike.service.domain.deadlines import complaint_deadlines

T0 = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    "urgency, respond_h, resolve_h",
    [("critical", 2, 24), ("urgent", 8, 72), ("general", 24, 168)],
)
def test_default_deadlines_by_urgency(urgency, respond_h, resolve_h):
    respond, resolve = complaint_deadlines(T0, urgency)
    assert respond == T0 + dt.timedelta(hours=respond_h)
    assert resolve == T0 + dt.timedelta(hours=resolve_h)


def test_deadlines_come_from_the_given_table():
    assert complaint_deadlines(T0, "urgent", {"urgent": (1, 5)}) == (
        T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=5))


def test_unknown_urgency_is_refused():
    with pytest.raises(ValueError):
        complaint_deadlines(T0, "whenever")
