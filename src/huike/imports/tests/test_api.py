"""The import API of API.md: POST → {id}; GET → status, counts and row errors; only the importer and admins."""
from django.core.files.uploadedfile import SimpleUploadedFile

from huike.core.api_testing import client_for, url
from huike.customers.models import Customer
from huike.followups.models import FollowUp
from huike.imports.models import ImportJob
from huike.imports.tests.helpers import csv_bytes, customer_row, run_import
from huike.testing.factories import make_customer
from huike.transactions.models import Order


def test_post_queues_the_import_and_get_reports_it_exactly(org, django_capture_on_commit_callbacks):
    # given a csv with a bad third row
    content = csv_bytes([customer_row(1), customer_row(2, phone="abc"), customer_row(3)])
    client = client_for(org.ra1)
    # when ra1 posts it (the worker runs it after commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("import-list"), {"file": SimpleUploadedFile("c.csv", content), "kind": "customers",
                                                    "on_duplicate": "skip"}, format="multipart")
    # then {id}, and GET gives the API.md shape
    assert response.status_code == 201
    job_id = response.json()["id"]
    assert response.json() == {"id": job_id}
    got = client.get(url("import-detail", job_id)).json()
    assert got == {"id": job_id, "status": "done", "kind": "customers", "total": 3, "created": 2, "updated": 0,
                   "skipped": 0, "errors": [{"row": 3, "field": "phone", "message":
                                             "The phone number may contain only digits, spaces, dashes and a leading +."}]}
    assert Customer.objects.count() == 2


def test_only_the_importer_and_admins_see_a_job(org):
    # given ra1's job
    job = run_import(org.ra1, "c.csv", csv_bytes([customer_row(1)]))
    # then ra1 and the admin read it; ra2, the manager and rb1 get 404
    codes = {u.username: client_for(u).get(url("import-detail", job.pk)).status_code
             for u in (org.ra1, org.admin, org.ra2, org.ma, org.rb1)}
    assert codes == {"ra1": 200, "admin": 200, "ra2": 404, "ma": 404, "rb1": 404}


def test_bad_kind_unknown_field_and_missing_columns_are_400_and_nothing_written(org):
    client = client_for(org.ra1)
    # when kind is wrong, an unknown field is sent, or no column maps to a required field
    bad_kind = client.post(url("import-list"), {"file": SimpleUploadedFile("c.csv", csv_bytes([customer_row(1)])),
                                                "kind": "contracts"}, format="multipart")
    unknown = client.post(url("import-list"), {"file": SimpleUploadedFile("c.csv", csv_bytes([customer_row(1)])),
                                               "kind": "customers", "owner": "x"}, format="multipart")
    unmapped = client.post(url("import-list"), {"file": SimpleUploadedFile("c.csv", csv_bytes([["x", "y"]], header=["a", "b"])),
                                                "kind": "customers"}, format="multipart")
    # then each is 400 naming the field, and no job exists
    assert (bad_kind.status_code, list(bad_kind.json())) == (400, ["kind"])
    assert (unknown.status_code, unknown.json()) == (400, {"owner": ["Unknown field."]})
    assert unmapped.status_code == 400
    assert unmapped.json()["file"][0].startswith("No column for: Customer name, Contact person.")
    assert ImportJob.objects.count() == 0


def test_orders_import_by_customer_code_within_scope_and_skip_on_repeat(org):
    # given ra1's customer and rb1's customer
    mine = make_customer(org.ra1, name="甲公司")
    theirs = make_customer(org.rb1, name="乙公司")
    header = ["客户编号", "下单日期", "金额", "产品/服务"]
    rows = [[mine.code, "2025-03-01", "1,280.50", "年度服务"], [theirs.code, "2025-03-02", "100", "X"],
            ["甲公司", "2025/03/05", "99", "培训"], [mine.code, "2025-03-06", "-5", "退款"]]
    content = csv_bytes(rows, header=header)
    # when ra1 imports them twice with skip
    first = run_import(org.ra1, "o.csv", content, kind="orders")
    second = run_import(org.ra1, "o.csv", content, kind="orders")
    # then the two own rows are created once; the other's customer and the negative amount are errors
    assert (first.created, first.failed_rows, second.created, second.skipped) == (2, 2, 0, 2)
    assert sorted(Order.objects.values_list("customer__name", "product", "amount")) == [
        ("甲公司", "培训", 99), ("甲公司", "年度服务", __import__("decimal").Decimal("1280.50"))]
    assert [(e.row, e.field) for e in first.row_errors.all()] == [(3, "customer"), (5, "amount")]


def test_followups_import_with_method_labels(org):
    # given ra1's customer
    mine = make_customer(org.ra1, name="甲公司")
    header = ["客户编号", "跟进方式", "跟进时间", "跟进内容"]
    rows = [[mine.code, "电话", "2025-03-01 10:30", "介绍了新产品"], [mine.code, "飞鸽", "2025-03-02", "x"]]
    # when imported
    job = run_import(org.ra1, "f.csv", csv_bytes(rows, header=header), kind="followups")
    # then the phone call exists with its local time, the unknown method is an error
    assert (job.created, job.failed_rows) == (1, 1)
    f = FollowUp.objects.get()
    assert (f.method, f.author, f.content, f.occurred_at.isoformat()) == ("phone", org.ra1, "介绍了新产品", "2025-03-01T02:30:00+00:00")
    assert [(e.row, e.field) for e in job.row_errors.all()] == [(3, "method")]
