"""Hostile and broken uploads are refused with a message, through the API, and nothing is written."""
import io
import zipfile

import pytest

from huike.core.api_testing import client_for, url
from huike.customers.models import Customer
from huike.imports.models import ImportJob
from huike.imports.tests.helpers import csv_bytes, customer_row, xlsx_bytes


def _post(user, name, content, language="en"):
    """A hand-made multipart body: test clients would strip a path from the file name before sending it."""
    boundary = "----huike-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncustomers\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client_for(user, language=language).generic(
        "POST", url("import-list"), body, content_type=f"multipart/form-data; boundary={boundary}")


def _stored_files() -> list:
    from django.conf import settings

    folder = settings.DATA_DIR / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def _zip(entries: dict[str, bytes], level=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", level) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def _workbook_with(part: str, data: bytes) -> bytes:
    """A real workbook with one part replaced."""
    src = zipfile.ZipFile(io.BytesIO(xlsx_bytes([customer_row(1)])))
    entries = {i.filename: src.read(i.filename) for i in src.infolist()}
    entries[part] = data
    return _zip(entries)


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                  b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>')
XXE = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>')


def _cases():
    good = xlsx_bytes([customer_row(1)])
    bomb = _workbook_with("xl/worksheets/sheet1.xml", b"<a>" + b" " * (300 * 1024 * 1024) + b"</a>")
    many = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", **{f"x/{i}.xml": b"<x/>" for i in range(1200)}})
    return {
        "zip bomb": ("bomb.xlsx", bomb, "zip bomb"),
        "too many zip entries": ("many.xlsx", many, "too many parts"),
        "billion laughs": ("laughs.xlsx", _workbook_with("xl/sharedStrings.xml", BILLION_LAUGHS), "entity"),
        "xxe": ("xxe.xlsx", _workbook_with("xl/sharedStrings.xml", XXE), "entity"),
        "csv named xlsx": ("customers.xlsx", csv_bytes([customer_row(1)]), "not an Excel workbook"),
        "xlsx named csv": ("customers.csv", good, "not a CSV text file"),
        "binary named csv": ("customers.csv", b"\x00\x01\x02binary\xff\xfe" * 50, "not a text CSV"),
        "path in name": ("../../etc/customers.csv", csv_bytes([customer_row(1)]), "may not contain a path"),
        "windows path in name": ("C:\\temp\\customers.csv", csv_bytes([customer_row(1)]), "may not contain a path"),
        "wrong extension": ("customers.exe", csv_bytes([customer_row(1)]), "Only .xlsx and .csv"),
        "empty": ("customers.csv", b"", "empty"),
        "header only": ("customers.csv", csv_bytes([]), "no data rows"),
        "header only xlsx": ("customers.xlsx", xlsx_bytes([]), "no data rows"),
        "ragged long": ("customers.csv", csv_bytes([customer_row(1), customer_row(2) + ["extra"]]), "Row 3 has 8 cells"),
        "ragged short": ("customers.csv", csv_bytes([customer_row(1)[:3]]), "Row 2 has 3 cells"),
    }


CASES = _cases()


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_upload_is_refused_with_a_message_and_nothing_written(org, case):
    # given a hostile or broken file
    name, content, expected = CASES[case]
    files_before = _stored_files()
    # when ra1 posts it
    response = _post(org.ra1, name, content)
    # then 400 names the problem under "file", and no job, file or customer exists
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["file"]
    assert expected in response.json()["file"][0]
    assert (ImportJob.objects.count(), Customer.objects.count()) == (0, 0)
    assert _stored_files() == files_before


def test_a_file_over_the_size_limit_is_refused(org, settings):
    # given a limit of 1 KB
    settings.HUIKE_IMPORT_MAX_BYTES = 1024
    content = csv_bytes([customer_row(i) for i in range(40)])
    # when a 2+ KB file is posted
    response = _post(org.ra1, "c.csv", content)
    # then it is refused, and nothing is written
    assert response.status_code == 400
    assert response.json()["file"] == ["The file is larger than 0 MB; split it into smaller files."]
    assert ImportJob.objects.count() == 0
