"""Exports of the customer list (R-11.2): the list's own query and scope, audited; large ones in the worker.

Small exports stream to the browser (csv) or come from a write-only workbook (xlsx); above
`HUIKE_EXPORT_SYNC_MAX_ROWS` the worker writes a zip under HUIKE_DATA_DIR and notifies the owner.
"""
from __future__ import annotations

import csv
import datetime as dt
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huike.accounts.models import User
from huike.audit.services import audit_record
from huike.core.errors import FieldErrors, NotFound
from huike.customers.api.filters import ORDERINGS
from huike.customers.selectors import SORTS, customer_list

from . import cells
from .models import Export, JobStatus

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sync_max_rows() -> int:
    return int(getattr(settings, "HUIKE_EXPORT_SYNC_MAX_ROWS", 5000))


def plain_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """Filters as JSON (dates as ISO text, numbers as int) so the worker can run the same query later."""
    out = {}
    for key, value in filters.items():
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = int(value)
        out[key] = value
    return out


def customer_query(export: Export):
    """The customer list exactly as the list page or the API would show it to the export's user."""
    qs = customer_list(user=export.user, filters=export.filters, search=export.search,
                       sort=export.sort if export.sort in SORTS else "")
    if export.sort in ORDERINGS and export.sort not in SORTS:  # an API ordering name
        qs = qs.order_by(ORDERINGS[export.sort], "-id")
    return qs


@transaction.atomic
def export_start(*, actor: User, fmt: str, fields, filters: dict[str, Any], search: str = "", sort: str = "",
                 labels: bool = True) -> Export:
    """Record and audit an export; one over the size limit is queued for the worker."""
    if fmt not in FORMATS:
        raise FieldErrors.single("format", _("Choose csv or xlsx."))
    export = Export(user=actor, format=fmt, fields=cells.clean_fields(fields), filters=plain_filters(filters),
                    search=search or "", sort=sort or "", labels=labels)
    export.rows = customer_query(export).count()
    export.background = export.rows > sync_max_rows()
    export.status = JobStatus.QUEUED if export.background else JobStatus.DONE
    export.finished_at = None if export.background else timezone.now()
    export.save()
    audit_record(actor=actor, action="export", obj=export, changes={
        "format": [None, fmt], "fields": [None, export.fields], "filters": [None, export.filters],
        "search": [None, export.search], "rows": [None, export.rows]})
    if export.background:
        from .tasks import export_task

        transaction.on_commit(lambda: export_task(export.pk))
    return export


def header_and_rows(export: Export) -> Iterator[list]:
    yield [cells.header(f, export.labels) for f in export.fields]
    yield from cells.rows(customer_query(export), export.fields, export.labels, viewer=export.user)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(export: Export) -> Iterator[bytes]:
    """The csv as UTF-8 with a BOM (Excel then reads Chinese correctly), 500 rows per chunk."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode("utf-8")
    buffer: list[str] = []
    for row in header_and_rows(export):
        buffer.append(writer.writerow(row))
        if len(buffer) >= 500:
            yield "".join(buffer).encode("utf-8")
            buffer = []
    if buffer:
        yield "".join(buffer).encode("utf-8")


def write_xlsx(export: Export, target) -> None:
    """A write-only workbook: rows go to disk as they come, memory stays flat at any size."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(_("Customers"))[:31])
    for row in header_and_rows(export):
        sheet.append(row)
    book.save(target)


def file_name(export: Export) -> str:
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d-%H%M%S")
    return f"huike-customers-{stamp}.{export.format}"


def export_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def export_build(export_id: int) -> Export | None:
    """The worker's part: write the file, zip it, tell its owner. Idempotent: a done export stays done."""
    export = Export.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status == JobStatus.DONE:
        return export
    Export.objects.filter(pk=export.pk).update(status=JobStatus.RUNNING)
    folder = export_dir() / str(export.user_id)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{export.pk}-{file_name(export).rsplit('.', 1)[0]}.zip"
    try:
        with translation.override(export.user.language or settings.LANGUAGE_CODE):
            _write_zip(export, target)
    except Exception as exc:
        target.unlink(missing_ok=True)
        Export.objects.filter(pk=export.pk).update(status=JobStatus.FAILED, error=str(exc)[:2000])
        raise
    Export.objects.filter(pk=export.pk).update(
        status=JobStatus.DONE, file=str(target.relative_to(settings.DATA_DIR)), finished_at=timezone.now())
    _notify_ready(export)
    return Export.objects.get(pk=export.pk)


def _write_zip(export: Export, target: Path) -> None:
    partial = target.with_suffix(".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if export.format == "csv":
            with archive.open(file_name(export), "w", force_zip64=True) as member:
                for chunk in csv_chunks(export):
                    member.write(chunk)
        else:
            with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
                book = Path(tmp) / file_name(export)
                write_xlsx(export, book)
                archive.write(book, arcname=file_name(export))
    partial.replace(target)  # a reader never sees half a zip


def _notify_ready(export: Export) -> None:
    from huike.notifications.services import notify

    with translation.override(export.user.language or settings.LANGUAGE_CODE):
        notify(user=export.user, title=_("Your export of %(n)s customers is ready") % {"n": export.rows},
               body=_("The file is zipped; the link works for you only."),
               url=reverse("dataio:export_download", args=[export.pk]), kind="export", key=f"export:{export.pk}")


def export_for_download(*, user: User, pk) -> tuple[Export, Path]:
    """The finished file of one of the user's own exports; anyone else's is NotFound (404)."""
    export = Export.objects.filter(pk=pk if str(pk).isdigit() else 0, user=user, background=True).first()
    if export is None or export.status != JobStatus.DONE or not export.file:
        raise NotFound()
    path = Path(settings.DATA_DIR) / export.file
    if not path.is_file():
        raise NotFound()
    return export, path


def export_get(*, user: User, pk) -> Export:
    export = Export.objects.filter(pk=pk if str(pk).isdigit() else 0, user=user).first()
    if export is None:
        raise NotFound()
    return export


KEEP_DAYS = 7


def exports_cleanup(now: dt.datetime | None = None) -> int:
    """Zipped exports older than a week leave the disk (customer data should not pile up); returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=KEEP_DAYS)
    old = Export.objects.filter(background=True, finished_at__lt=cutoff).exclude(file="")
    removed = 0
    for export in old:
        (Path(settings.DATA_DIR) / export.file).unlink(missing_ok=True)
        Export.objects.filter(pk=export.pk).update(file="")
        removed += 1
    return removed
