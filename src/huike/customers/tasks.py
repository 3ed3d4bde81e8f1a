"""Background work on customers (huey). Tasks take ids or nothing, call one service, are idempotent."""
from huey.contrib.djhuey import db_task

from .cadence import refresh_all_cadences


@db_task()
def refresh_cadences_task() -> int:
    return refresh_all_cadences()
