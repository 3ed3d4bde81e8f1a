"""Worker side of automation: events after commit, the minute tick for schedules and the recovery sweep."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import engine


@db_task()
def process_event_task(event_id: int) -> int:
    from .suggestions import suggest_for_event

    suggest_for_event(event_id)
    return engine.process_event(event_id)


@db_task()
def execute_action_task(run_id: int) -> int:
    return engine.execute(run_id)


@db_periodic_task(crontab(minute="*"))
def automation_tick() -> dict:
    """Every minute: due schedules, classification changes as events, then anything left behind."""
    result = {"schedules": engine.run_due_schedules(), "classification": engine.classification_events()}
    result.update(engine.sweep())
    result["pruned"] = engine.prune()
    return result
