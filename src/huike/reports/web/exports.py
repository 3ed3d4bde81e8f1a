"""The table behind a report as csv or xlsx: the same sections as the page, cells neutralised, audited."""
from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone

from huike.audit.services import audit_record

from .table import Section

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet formula / DDE triggers


def neutral(value):
    """Numbers stay numbers; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def _cell(column, value):
    if value is None:
        return None
    if column.kind in ("money", "num", "rate"):
        return float(value)
    if column.kind == "int":
        return int(value)
    return value


def table_rows(section: Section) -> list[list]:
    head = [c.label for c in section.columns]
    body = [[_cell(c, row.get(c.key)) for c in section.columns]
            for row in [*section.rows, *([section.total] if section.total else [])]]
    return [head, *body]


def to_csv(sections: list[Section]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for i, section in enumerate(sections):
        if i:
            writer.writerow([])
        writer.writerow([neutral(section.title)])
        writer.writerows([[neutral(v) for v in row] for row in table_rows(section)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8 (Chinese) correctly


def to_xlsx(sections: list[Section]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for section in sections:
        sheet = book.create_sheet(title=_sheet_title(section.title, book.sheetnames))
        for r, row in enumerate(table_rows(section), start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c, value=neutral(value) if value is not None else None)
                if r == 1:
                    cell.font = Font(bold=True)
                elif section.columns[c - 1].kind == "rate" and value is not None:
                    cell.number_format = "0.0%"
        for c, column in enumerate(section.columns, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = max(12, len(column.label) + 4)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str, taken: list[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]}{n}", n + 1
    return name


def export_response(*, user, report: str, fmt: str, sections: list[Section], params: dict) -> HttpResponse:
    """The file, after recording who exported which report with which filters (R-12.1)."""
    audit_record(actor=user, action="export", obj=user, changes={
        "report": [None, report], "format": [None, fmt], "filters": [None, params],
        "rows": [None, sum(len(s.rows) for s in sections)]})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        body, ctype = to_xlsx(sections), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, ctype = to_csv(sections), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="huike-{report}-{stamp}.{fmt}"'
    return response
