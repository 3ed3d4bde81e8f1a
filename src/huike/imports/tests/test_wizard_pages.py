"""The wizard's pages: upload, mapping (auto, editable, remembered), preview, start, result, error file."""
import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from huike.customers.models import Customer
from huike.imports.models import ImportJob, ImportMapping
from huike.imports.tests.helpers import csv_bytes, customer_row


def _client(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _upload(client, content, name="c.csv", kind="customers"):
    return client.post("/imports/new/", {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_upload_mapping_preview_start_result_and_error_file(org, django_capture_on_commit_callbacks):
    # given a file with a column "手机" (an alias), an unknown column and one bad row (row 3)
    header = ["客户名称", "联系人", "手机", "内部编号"]
    content = csv_bytes([["甲公司", "张三", "13812345678", "x1"], ["乙公司", "", "=1+1", "x2"],
                         ["丙公司", "李四", "13912345678", "x3"]], header=header)
    client = _client(org.ra1)
    # when uploaded
    response = _upload(client, content)
    job = ImportJob.objects.get()
    # then the mapping page shows the automatic matches, nothing is imported yet
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/mapping/"
    assert (job.status, job.mapping) == ("draft", {"0": "name", "1": "contact_name", "2": "phone"})
    page = client.get(f"/imports/{job.pk}/mapping/").content.decode()
    assert 'name="col_3"' in page and Customer.objects.count() == 0
    # when the mapping is confirmed (the unknown column left out) and the preview opened
    response = client.post(f"/imports/{job.pk}/mapping/", {"col_0": "name", "col_1": "contact_name", "col_2": "phone",
                                                           "col_3": "", "on_duplicate": "skip"})
    assert response.status_code == 302
    preview = client.get(f"/imports/{job.pk}/preview/").content.decode()
    # then the preview names row 3's problems and still nothing is written
    assert 'data-row="3" data-status="error"' in preview
    assert "Please enter the contact person (联系人)." in preview
    assert 'data-row="2" data-status="new"' in preview and Customer.objects.count() == 0
    # when started (the worker runs after commit)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{job.pk}/start/")
    job.refresh_from_db()
    result = client.get(f"/imports/{job.pk}/").content.decode()
    # then two customers exist and the result lists row 3
    assert (job.status, job.created, job.failed_rows) == ("done", 2, 1)
    assert 'id="count-created">2<' in result and '<tr data-row="3">' in result
    # when the error file is downloaded
    body = client.get(f"/imports/{job.pk}/errors.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    # then it holds the original row, formula neutralised, and the error column
    assert rows[0] == ["Row", "客户名称", "联系人", "手机", "内部编号", "Errors"]
    assert rows[1][:5] == ["3", "乙公司", "", "'=1+1", "x2"]
    assert "Contact person: Please enter the contact person (联系人)." in rows[1][5]
    xlsx = client.get(f"/imports/{job.pk}/errors.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_mapping_is_remembered_for_the_next_file(org):
    # given ra1 mapped "内部编号" to remarks once
    client = _client(org.ra1)
    header = ["客户名称", "联系人", "手机", "内部编号"]
    _upload(client, csv_bytes([["甲", "张", "13812345678", "a"]], header=header))
    job = ImportJob.objects.get()
    client.post(f"/imports/{job.pk}/mapping/", {"col_0": "name", "col_1": "contact_name", "col_2": "phone",
                                                "col_3": "remarks", "on_duplicate": "skip"})
    # when another file with the same headers (other order) is uploaded
    _upload(client, csv_bytes([["a", "甲", "张", "13812345678"]], header=["内部编号", "客户名称", "联系人", "手机"]))
    second = ImportJob.objects.order_by("-pk").first()
    # then the remembered choice applies
    assert second.mapping == {"0": "remarks", "1": "name", "2": "contact_name", "3": "phone"}
    assert ImportMapping.objects.get(user=org.ra1).columns["内部编号"] == "remarks"


def test_a_mapping_without_a_required_field_is_refused_on_the_page(org):
    client = _client(org.ra1)
    _upload(client, csv_bytes([customer_row(1)]))
    job = ImportJob.objects.get()
    # when the name column is left out
    page = client.post(f"/imports/{job.pk}/mapping/", {"col_0": "", "col_1": "contact_name", "on_duplicate": "skip"})
    # then the page says which field is missing and the job stays a draft
    assert page.status_code == 200
    assert "Choose a column for: Customer name." in page.content.decode()
    job.refresh_from_db()
    assert job.status == "draft"


def test_a_hostile_upload_shows_the_message_on_the_form(org):
    client = _client(org.ra1)
    # when a header-only file is uploaded
    page = _upload(client, csv_bytes([]))
    # then the form shows why and no job exists
    assert page.status_code == 200
    assert "The file has a header row but no data rows." in page.content.decode()
    assert ImportJob.objects.count() == 0


def test_another_users_job_pages_are_404(org):
    client = _client(org.ra1)
    _upload(client, csv_bytes([customer_row(1)]))
    job = ImportJob.objects.get()
    other = _client(org.ma)
    # then every page of ra1's job is 404 for the manager
    for path in ("mapping/", "preview/", "", "progress/", "errors.csv"):
        assert other.get(f"/imports/{job.pk}/{path}").status_code == 404
    assert other.post(f"/imports/{job.pk}/start/").status_code == 404
    job.refresh_from_db()
    assert job.status == "draft"


def test_pages_speak_the_users_language(org):
    # when the upload page is opened in zh-Hans and in English
    zh = _client(org.ra1, language="zh-hans").get("/imports/new/").content.decode()
    en = _client(org.ra1, language="en").get("/imports/new/").content.decode()
    # then the page's language and its submit button follow
    assert '<html lang="zh-Hans">' in zh and '<html lang="en">' in en
    assert "Upload and continue" in en


def test_a_failed_import_resumes_from_its_checkpoint(org, django_capture_on_commit_callbacks):
    from huike.imports import services

    # given a job that failed after its first batch of 2 rows was committed
    client = _client(org.ra1)
    _upload(client, csv_bytes([customer_row(i) for i in range(5)]))
    job = ImportJob.objects.get()
    services.import_start(actor=org.ra1, job=job)
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    services._commit(services._context(job), job.pk, 1, 3, [(2, customer_row(0)), (3, customer_row(1))])
    ImportJob.objects.filter(pk=job.pk).update(status="failed")
    # when the owner presses Resume (the worker runs after commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{job.pk}/resume/")
    # then the rest is imported once, the first two not repeated
    job.refresh_from_db()
    assert response.status_code == 302
    assert (job.status, job.created, job.checkpoint, Customer.objects.count()) == ("done", 5, 6, 5)
    # and another user cannot resume it
    assert _client(org.ra2).post(f"/imports/{job.pk}/resume/").status_code == 404
