"""Backups in the worker: "back up now" from the admin page, and the schedule, checked every minute."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task()
def backup_now_task(actor_id: int | None) -> None:
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    services.backup_create(actor=actor)


@db_periodic_task(crontab())
def scheduled_backup() -> None:
    if services.schedule_claim():
        try:
            services.backup_create()
            services.schedule_report(error="")
        except Exception as e:  # shown on the admin page; the next slot tries again
            services.schedule_report(error=str(e))
            raise
