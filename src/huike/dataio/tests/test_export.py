"""Export of the customer list (R-11.2): filters and scope, fields, neutralised cells, audit, background zips."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from huike.audit.models import AuditEntry
from huike.core.api_testing import client_for
from huike.dataio.cells import neutralise
from huike.dataio.models import Export
from huike.testing.factories import make_customer

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # the BOM: Excel reads the Chinese correctly
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_neutralise_prefixes_every_formula_trigger():
    # given text starting with each trigger, and harmless text
    # then each trigger gets an apostrophe and the rest stays
    assert [neutralise(t) for t in ("=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx", "华为", "a=b")] == [
        "'=1+1", "'+86", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "华为", "a=b"]


def test_rep_exports_only_own_customers_with_the_list_filters(org):
    # given customers of ra1 in two stages, and one of teammate ra2
    mine = make_customer(org.ra1, name="甲方科技有限公司", stage="intent")
    make_customer(org.ra1, name="乙方科技有限公司", stage="potential")
    make_customer(org.ra2, name="丙方科技有限公司", stage="intent")
    # when ra1 exports intent-stage customers as csv
    response = client_for(org.ra1).get("/api/v1/customers/export/?format=csv&fields=code,name,stage&stage=intent")
    # then only ra1's intent customer is in it, with field-name headers and raw keys
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert read_csv(response) == [["code", "name", "stage"], [mine.code, "甲方科技有限公司", "intent"]]


def test_manager_exports_the_team_and_search_applies(org):
    # given customers in team A (ra1, ra2) and team B (rb1)
    a1 = make_customer(org.ra1, name="东方机械有限公司")
    a2 = make_customer(org.ra2, name="东方电子有限公司")
    make_customer(org.rb1, name="东方化工有限公司")
    make_customer(org.ra2, name="西部物流有限公司")
    # when manager ma exports a search for 东方, sorted by code
    response = client_for(org.ma).get("/api/v1/customers/export/?format=csv&fields=code&search=东方&ordering=code")
    # then team A's two matches come, in code order, and team B's does not
    assert read_csv(response) == [["code"], [a1.code], [a2.code]]


def test_cells_that_start_a_formula_are_neutralised_in_csv_and_xlsx(org):
    # given a customer whose remarks and contact would run as formulas, and an E.164 phone
    c = make_customer(org.ra1, name="公式测试有限公司", contact_name="@cmd", remarks='=HYPERLINK("http://x","y")',
                      phone="13812345678")
    fields = "code,contact_name,remarks,phone"
    # when it is exported as csv and as xlsx
    rows = read_csv(client_for(org.ra1).get(f"/api/v1/customers/export/?format=csv&fields={fields}"))
    xlsx = client_for(org.ra1).get(f"/api/v1/customers/export/?format=xlsx&fields={fields}")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True).active
    # then no cell starts a formula; the workbook holds text, not formulas
    expected = [c.code, "'@cmd", '\'=HYPERLINK("http://x","y")', "'+8613812345678"]
    assert rows[1] == expected
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [fields.split(","), expected]


def test_labels_give_translated_headers_and_choice_labels(org):
    # given a high-intent customer with tags
    c = make_customer(org.ra1, name="标签测试有限公司", intent="high", tags=["价格敏感", "高意向"])
    # when it is exported with labels in English
    client = client_for(org.ra1, language="en")
    rows = read_csv(client.get("/api/v1/customers/export/?format=csv&fields=code,intent,owner,tags,core_business"
                               "&labels=true"))
    # then headers and values are words, tags joined
    assert rows == [["Customer code", "Intent level", "Owner", "Tags", "Involves core business"],
                    [c.code, "High intent", "李销售", "价格敏感, 高意向", "No"]]


def test_every_export_is_in_the_audit_log(org):
    # given two customers of ra1
    make_customer(org.ra1), make_customer(org.ra1)
    # when ra1 exports with a filter
    client_for(org.ra1).get("/api/v1/customers/export/?format=xlsx&fields=code,name&intent=medium")
    # then one audit entry says who exported what
    entry = AuditEntry.objects.get(action="export")
    export = Export.objects.get()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (org.ra1.pk, "dataio.export", export.pk)
    assert entry.changes == {"format": [None, "xlsx"], "fields": [None, ["code", "name"]],
                             "filters": [None, {"intent": "medium"}], "search": [None, ""], "rows": [None, 2]}


def test_unknown_field_or_format_is_refused_and_nothing_is_recorded(org):
    # given a customer
    make_customer(org.ra1)
    # when the export names an unknown field, then an unknown format
    bad_field = client_for(org.ra1).get("/api/v1/customers/export/?format=csv&fields=code,password")
    bad_format = client_for(org.ra1).get("/api/v1/customers/export/?format=pdf")
    # then both are 400 naming the parameter, and no export or audit row exists
    assert (bad_field.status_code, bad_field.json()) == (400, {"fields": ["Unknown field: password."]})
    assert bad_format.status_code == 400 and list(bad_format.json()) == ["format"]
    assert (Export.objects.count(), AuditEntry.objects.filter(action="export").count()) == (0, 0)


def test_large_export_runs_in_the_worker_zips_and_notifies(org, settings, django_capture_on_commit_callbacks):
    # given three customers of ra1 and a limit of two rows for a direct download
    settings.HUIKE_EXPORT_SYNC_MAX_ROWS = 2
    codes = sorted(make_customer(org.ra1).code for _ in range(3))
    # when ra1 exports (the worker runs the job after commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org.ra1).get("/api/v1/customers/export/?format=csv&fields=code&ordering=code")
    # then the answer is 202 with the job, which is done, and a notification links to the download
    assert response.status_code == 202
    export = Export.objects.get(pk=response.json()["id"])
    assert (export.status, export.rows, export.background) == ("done", 3, True)
    from huike.notifications.models import Notification

    note = Notification.objects.get(user=org.ra1)
    assert note.url == f"/data/exports/{export.pk}/download/"
    # and the owner downloads a zip holding the csv; nobody else may
    client = client_for(org.ra1)
    download = client.get(f"/api/v1/exports/{export.pk}/download/")
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        (name,) = archive.namelist()
        text = archive.read(name).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [["code"], *[[c] for c in codes]]
    for other in (org.ra2, org.ma, org.admin):
        assert client_for(other).get(f"/api/v1/exports/{export.pk}/download/").status_code == 404


def test_page_download_of_a_large_export_is_owner_only(client, org):
    # given a finished background export of ra1
    from huike.dataio.testing import make_finished_export

    export = make_finished_export(org.ra1)
    # when ra1 and then the admin open its download link
    client.force_login(org.ra1)
    mine = client.get(f"/data/exports/{export.pk}/download/")
    client.force_login(org.admin)
    theirs = client.get(f"/data/exports/{export.pk}/download/")
    # then the owner gets the zip, not cached; the admin gets 404
    assert (mine.status_code, mine["Content-Type"], mine["Cache-Control"]) == (200, "application/zip", "no-store")
    assert theirs.status_code == 404


def test_export_page_keeps_the_list_filters(client, org):
    # given ra1's customers in two stages
    keep = make_customer(org.ra1, name="页面导出有限公司", stage="intent")
    make_customer(org.ra1, stage="potential")
    client.force_login(org.ra1)
    # when the export page is opened from the filtered list, then submitted as csv with two fields
    page = client.get("/data/export/?stage=intent")
    response = client.post("/data/export/?stage=intent", {"format": "csv", "fields": ["code", "name"]})
    # then the page counted one customer, and the file holds just that one
    assert page.status_code == 200 and page.context["count"] == 1
    assert read_csv(response) == [["code", "name"], [keep.code, "页面导出有限公司"]]


def test_large_export_from_the_page_goes_to_its_status_page(client, org, settings,
                                                            django_capture_on_commit_callbacks):
    # given three customers of ra1 and a direct-download limit of two
    settings.HUIKE_EXPORT_SYNC_MAX_ROWS = 2
    for _ in range(3):
        make_customer(org.ra1)
    client.force_login(org.ra1)
    # when ra1 exports the whole list as xlsx on the page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/data/export/", {"format": "xlsx", "fields": ["code", "name"], "labels": "1"})
    # then the page moves to the job, which is done and offers the zip; its API status says the same
    export = Export.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/data/exports/{export.pk}/")
    status = client.get(response["Location"])
    assert status.status_code == 200 and f"/data/exports/{export.pk}/download/" in status.content.decode()
    api = client_for(org.ra1).get(f"/api/v1/exports/{export.pk}/").json()
    assert (api["status"], api["rows"], api["download"]) == (
        "done", 3, f"http://testserver/api/v1/exports/{export.pk}/download/")
    download = client.get(f"/data/exports/{export.pk}/download/")
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as z:
        sheet = load_workbook(io.BytesIO(z.read(z.namelist()[0])), read_only=True).active
        assert [r[1] for r in sheet.iter_rows(values_only=True)][0] == "客户名称"  # the user's language: zh-Hans


def test_old_export_files_are_removed_and_their_link_answers_404(client, org):
    # given a finished export of ra1 from eight days ago and one from today
    import datetime as dt

    from django.utils import timezone

    from huike.dataio.exports import exports_cleanup
    from huike.dataio.testing import make_finished_export

    old, new = make_finished_export(org.ra1), make_finished_export(org.ra1)
    Export.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    # when the daily clean-up runs
    removed = exports_cleanup()
    # then only the old file is gone, and its link is a 404 while the new one still downloads
    client.force_login(org.ra1)
    assert removed == 1
    assert client.get(f"/data/exports/{old.pk}/download/").status_code == 404
    assert client.get(f"/data/exports/{new.pk}/download/").status_code == 200
