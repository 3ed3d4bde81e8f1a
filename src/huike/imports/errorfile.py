"""The downloadable error file: the rows that were not imported, as uploaded, plus an error column."""
from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from . import columns, reading
from .models import ImportJob
from .services import job_file

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _rows(job: ImportJob):
    messages: dict[int, list[str]] = {}
    for row, field, message in job.row_errors.values_list("row", "field", "message"):
        messages.setdefault(row, []).append(f"{columns.field_label(job.kind, field)}: {message}")
    yield [_("Row"), *job.headers, _("Errors")]
    with open(job_file(job), "rb") as f:
        for number, cells in reading.iter_rows(job.file_format, job.encoding, f, len(job.headers)):
            if number in messages:
                yield [number, *cells, "; ".join(messages[number])]


def error_csv(job: ImportJob) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _rows(job):
        writer.writerow([neutral(columns.text(c)) if c is not None else "" for c in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def error_xlsx(job: ImportJob) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Errors"))
    for row in _rows(job):
        ws.append([neutral(c) if isinstance(c, str) else c for c in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
