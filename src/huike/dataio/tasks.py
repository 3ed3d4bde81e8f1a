"""Worker tasks of data in/out: take ids, call one service, idempotent."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import dedupe, exports


@db_task(retries=1, retry_delay=30)
def export_task(export_id: int) -> None:
    exports.export_build(export_id)


@db_task(retries=1, retry_delay=30)
def scan_task(scan_id: int) -> None:
    dedupe.scan_run(scan_id)


@db_periodic_task(crontab(hour="3", minute="40"))
def exports_cleanup_task() -> None:
    exports.exports_cleanup()
