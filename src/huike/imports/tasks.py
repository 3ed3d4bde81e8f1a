"""Imports in the worker (huey): one task per job, and a sweep that resumes jobs whose worker died."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task()
def import_task(job_id: int) -> None:
    services.import_execute(job_id)


@db_periodic_task(crontab(minute="*/5"))
def resume_stale_imports() -> None:
    services.resume_stale()
