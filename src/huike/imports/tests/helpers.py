"""Builders of real upload files for the import tests (csv in any encoding, xlsx, hostile zips)."""
from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from huike.imports import services

HEADER = ["客户名称", "联系人", "联系电话", "邮箱", "所属行业", "意向等级", "标签"]


def csv_bytes(rows: list[list], header: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("客户")
    ws.append(header or HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def customer_row(i: int, **over) -> list:
    row = {"name": f"测试客户{i}有限公司", "contact": f"联系人{i}", "phone": f"139{i:08d}", "email": f"c{i}@example.com",
           "industry": "制造业", "intent": "高意向", "tags": "重点,华东"}
    row.update(over)
    return list(row.values())


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def run_import(actor, name: str, content: bytes, kind: str = "customers", on_duplicate: str = "skip", **kw):
    """Upload and run an import in this process (the worker's code path, without the queue)."""
    f = upload(name, content)
    job = services.import_create(actor=actor, upload=f, name=name, size=len(content), kind=kind,
                                 on_duplicate=on_duplicate, draft=True)
    job.status = "queued"
    job.save(update_fields=["status"])
    return services.import_execute(job.pk, **kw)
