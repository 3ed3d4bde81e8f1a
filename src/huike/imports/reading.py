"""Reading uploaded spreadsheets safely and in a stream (R-11.1).

`inspect_file` refuses hostile or broken files before anything is stored or written: names with a path,
the wrong kind of file, empty, too large, zip bombs, too many zip entries, XML entity declarations,
header-only and ragged files. `iter_rows` then streams the data rows with their spreadsheet row numbers.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Iterator

from django.conf import settings
from django.utils.translation import gettext as _

MAX_ZIP_ENTRIES = 1000
MAX_ZIP_RATIO = 200  # uncompressed / compressed of one entry; real sheets stay far below
_CHUNK = 1 << 20
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_BAD_NAME = re.compile(r"[/\\\x00-\x1f]|^\.|\.\.")

csv.field_size_limit(1 << 20)


class UploadRefused(ValueError):
    """A file that is not imported; the message says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


@dataclass
class Inspection:
    file_format: str
    encoding: str
    headers: list[str]
    total: int  # data rows (blank rows not counted)
    sample: list[tuple[int, list]] = field(default_factory=list)


def max_bytes() -> int:
    return int(getattr(settings, "HUIKE_IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "HUIKE_IMPORT_MAX_UNPACKED_BYTES", 20 * max_bytes()))


def check_name(name: str) -> str:
    """The format from the name's extension; a name carrying a path or control characters is refused."""
    name = name or ""
    if not name.strip() or _BAD_NAME.search(name):
        raise UploadRefused(_("The file name may not contain a path or special characters; rename the file "
                              "(e.g. customers.xlsx) and upload it again."))
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ("csv", "xlsx"):
        raise UploadRefused(_("Only .xlsx and .csv files can be imported."))
    return ext


def inspect_file(name: str, f: IO[bytes], size: int, sample_rows: int = 0) -> Inspection:
    fmt = check_name(name)
    if size == 0:
        raise UploadRefused(_("The file is empty."))
    if size > max_bytes():
        raise UploadRefused(_("The file is larger than %(mb)d MB; split it into smaller files.") % {
            "mb": max_bytes() // (1024 * 1024)})
    f.seek(0)
    head = f.read(8)
    f.seek(0)
    if fmt == "xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise UploadRefused(_("The file is not an Excel workbook (.xlsx), although its name says so."))
        _check_zip(f)
        encoding = ""
    else:
        if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
            raise UploadRefused(_("The file is not a CSV text file, although its name says so (save it as .xlsx "
                                  "or as CSV)."))
        encoding = detect_encoding(f)
    f.seek(0)
    return _scan(fmt, encoding, f, sample_rows)


def _check_zip(f: IO[bytes]) -> None:
    bomb = _("The workbook unpacks to far more data than it holds (a zip bomb); it is not imported.")
    try:
        zf = zipfile.ZipFile(f)
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(_("The file is not an Excel workbook (.xlsx), although its name says so.")) from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UploadRefused(_("The workbook holds too many parts (%(n)d); it is not imported.") % {"n": len(infos)})
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadRefused(_("The file is not an Excel workbook (.xlsx), although its name says so."))
    if sum(i.file_size for i in infos) > max_unpacked_bytes():
        raise UploadRefused(bomb)
    unpacked = 0
    for info in infos:
        part_unpacked = 0
        if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1) and info.file_size > _CHUNK:
            raise UploadRefused(bomb)
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        tail = b""
        # Stream the real bytes: sizes in the zip directory may lie.
        with zf.open(info) as part:
            while chunk := part.read(_CHUNK):
                unpacked += len(chunk)
                part_unpacked += len(chunk)
                if unpacked > max_unpacked_bytes() or part_unpacked > MAX_ZIP_RATIO * max(info.compress_size, 1) + _CHUNK:
                    raise UploadRefused(bomb)
                if _DTD.search(tail + chunk):
                    raise UploadRefused(_("The workbook contains XML entity declarations (a known attack); "
                                          "it is not imported. Save it again from Excel or WPS."))
                tail = chunk[-16:]


def detect_encoding(f: IO[bytes]) -> str:
    """utf-8-sig for a BOM, utf-8 when every byte decodes, else GB18030 (a superset of GBK and GB2312)."""
    f.seek(0)
    if f.read(3) == codecs.BOM_UTF8:
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "gb18030"]
    for enc in candidates:
        f.seek(0)
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            while chunk := f.read(_CHUNK):
                text = decoder.decode(chunk)
                if "\x00" in text:
                    raise UnicodeDecodeError(enc, b"", 0, 1, "NUL")
            decoder.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            continue
    raise UploadRefused(_("The file is not a text CSV in UTF-8 or GBK, although its name says so."))


def _is_blank(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _raw_rows(fmt: str, encoding: str, f: IO[bytes]) -> Iterator[list]:
    if fmt == "csv":
        text = io.TextIOWrapper(f, encoding=encoding, newline="")
        try:
            yield from csv.reader(text)
        except csv.Error as e:
            raise UploadRefused(_("The CSV file cannot be read: %(error)s") % {"error": e}) from None
        finally:
            text.detach()
        return
    from .xlsx import first_sheet_rows

    try:
        yield from first_sheet_rows(f)
    except Exception:  # openpyxl and expat raise many types for a damaged workbook
        raise UploadRefused(_("The workbook cannot be read; save it again from Excel or WPS as .xlsx.")) from None


def _trimmed(cells: list) -> list:
    end = len(cells)
    while end and (cells[end - 1] is None or cells[end - 1] == ""):
        end -= 1
    return cells[:end]


def iter_rows(fmt: str, encoding: str, f: IO[bytes], width: int) -> Iterator[tuple[int, list]]:
    """(spreadsheet row number, cells padded to the header's width) for every non-blank data row."""
    rows = _raw_rows(fmt, encoding, f)
    next(rows, None)
    for number, cells in enumerate(rows, start=2):
        if _is_blank(cells):
            continue
        cells = cells[:width] if fmt == "xlsx" else cells
        if len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        yield number, cells


def _scan(fmt: str, encoding: str, f: IO[bytes], sample_rows: int) -> Inspection:
    rows = _raw_rows(fmt, encoding, f)
    header = _trimmed(next(rows, None) or [])
    if not header or _is_blank(header):
        raise UploadRefused(_("The file has no header row; the first row must name the columns."))
    headers = ["" if h is None else str(h).strip() for h in header]
    width, total, sample = len(headers), 0, []
    for number, cells in enumerate(rows, start=2):
        if _is_blank(cells):
            continue
        length = len(cells) if fmt == "csv" else len(_trimmed(cells))
        if length > width or (fmt == "csv" and length < width):
            raise UploadRefused(_("Row %(row)d has %(cells)d cells but the header has %(width)d columns; fix the "
                                  "row and upload again.") % {"row": number, "cells": length, "width": width})
        total += 1
        if len(sample) < sample_rows:
            sample.append((number, (cells + [None] * width)[:width]))
    if total == 0:
        raise UploadRefused(_("The file has a header row but no data rows."))
    return Inspection(fmt, encoding, headers, total, sample)
