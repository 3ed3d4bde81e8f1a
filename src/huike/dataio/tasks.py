"""Worker tasks of data in/out: take ids, call one service, idempotent."""
from huey.contrib.djhuey import db_task

from . import dedupe, exports


@db_task(retries=1, retry_delay=30)
def export_task(export_id: int) -> None:
    exports.export_build(export_id)


@db_task(retries=1, retry_delay=30)
def scan_task(scan_id: int) -> None:
    dedupe.scan_run(scan_id)
