"""Classification in the worker: runs, one-customer reclassification, the monthly and quarterly schedule."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services
from .models import RunKind


@db_task(retries=2, retry_delay=30)
def run_task(run_id: int) -> None:
    services.run_execute(run_id)


@db_task(retries=3, retry_delay=5)
def classify_customer_task(customer_id: int) -> None:
    services.classify_customer(customer_id)


@db_periodic_task(crontab(day="1", hour="2", minute="0"))
def scheduled_run() -> None:
    """On the 1st at 02:00: a run as of the last day of the month before; quarterly at quarter ends."""
    import datetime as dt

    as_of = services.today().replace(day=1) - dt.timedelta(days=1)
    kind = RunKind.QUARTERLY if as_of.month in (3, 6, 9, 12) else RunKind.MONTHLY
    services.run_create(actor=None, as_of=as_of, kind=kind)  # queues run_task
