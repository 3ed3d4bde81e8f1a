"""The import wizard in a browser: upload a csv with one bad row, see the row's problems in the preview, run it,
see the result and download the error file; on a laptop in English and on a phone in Chinese."""
import csv
import io

import pytest
from playwright.sync_api import expect

from huike.customers.models import Customer
from huike.imports.tests.helpers import csv_bytes, xlsx_bytes

from .conftest import DESKTOP, PHONE, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER = ["客户名称", "联系人", "联系电话", "所属行业", "意向等级"]
ROWS = [["杭州云帆科技有限公司", "王芳", "13812345678", "信息技术", "高意向"],
        ["宁波海港贸易有限公司", "", "12345", "零售", "中意向"],
        ["苏州精工制造有限公司", "李强", "0512-66881234", "制造业", "低意向"]]


def _run_wizard(page, tmp_path, prefix: str, language: str) -> None:
    path = tmp_path / "客户导入.csv"
    path.write_bytes(csv_bytes(ROWS, header=HEADER, encoding="gbk"))
    page.goto("/imports/new/")
    shot(page, f"{prefix}-import-upload")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-submit")
    page.wait_for_url("**/mapping/")
    # the Chinese headers are matched by themselves
    assert page.locator("#col_0").input_value() == "name"
    assert page.locator("#col_2").input_value() == "phone"
    shot(page, f"{prefix}-import-mapping")
    page.click("#mapping-submit")
    page.wait_for_url("**/preview/")
    bad = page.locator('tr[data-row="3"]')
    assert bad.get_attribute("data-status") == "error"
    problems = bad.locator(".row-problems").inner_text()
    assert ("Contact person" in problems) if language == "en" else ("联系人" in problems)
    shot(page, f"{prefix}-import-preview")
    page.click("#start-import")
    page.wait_for_url("**/imports/*/")
    page.locator('#import-progress[data-status="done"]').wait_for()
    assert page.locator("#count-created").inner_text() == "2"
    assert page.locator("#count-failed").inner_text() == "1"
    shot(page, f"{prefix}-import-result")


def test_import_wizard_on_a_laptop_in_english(new_page, org, tmp_path):
    page = new_page(DESKTOP)
    page.set_default_timeout(60_000)  # the live server's first page (cold caches) is slow on a busy machine
    login(page, "ra1")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    _run_wizard(page, tmp_path, "desktop", "en")
    # the error file holds the original row and its problem
    with page.expect_download() as download:
        page.click("#error-file-csv")
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert rows[1][:4] == ["3", "宁波海港贸易有限公司", "", "12345"]
    assert "Contact person: Please enter the contact person (联系人)." in rows[1][-1]
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["杭州云帆科技有限公司", "苏州精工制造有限公司"]


def test_import_wizard_on_a_phone_in_chinese(new_page, org, tmp_path):
    page = new_page(PHONE)
    page.set_default_timeout(60_000)
    login(page, "ra1")
    _run_wizard(page, tmp_path, "phone", "zh")
    # nothing overflows the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _upload_page_holding_the_form(new_page, tmp_path):
    """A rep on a laptop, in Chinese, on the upload page, with an Excel workbook of the same rows; a listener
    after the page's own holds the form back and notes whether the page let it go."""
    page = new_page(DESKTOP)
    page.set_default_timeout(60_000)
    login(page, "ra1")
    path = tmp_path / "客户导入.xlsx"
    path.write_bytes(xlsx_bytes(ROWS, header=HEADER))
    page.goto("/imports/new/")
    page.evaluate("""() => { window.sent = [];
        document.addEventListener("submit", (e) => { window.sent.push(!e.defaultPrevented); e.preventDefault(); }); }""")
    return page, path


def test_an_uploaded_workbook_shows_it_is_being_checked_then_maps_its_columns(new_page, org, tmp_path):
    # given a rep on the upload page with a workbook, the form held back after the page's own handler
    page, path = _upload_page_holding_the_form(new_page, tmp_path)
    # when the workbook is sent, and sent again
    page.set_input_files("#id_file", str(path))
    page.click("#upload-submit")
    page.evaluate("() => document.getElementById('upload-form').requestSubmit()")
    # then the form says it is working, and the second sending was stopped by the page
    button = page.locator("#upload-submit")
    expect(button).to_be_disabled()
    assert button.inner_text().strip() == "正在上传并检查文件…"
    assert page.locator("#upload-form").get_attribute("aria-busy") == "true"
    assert page.evaluate("window.sent") == [True, False]
    shot(page, "desktop-import-upload-busy")
    # and once it is sent, the workbook's headers are mapped by themselves
    page.evaluate("() => HTMLFormElement.prototype.submit.call(document.getElementById('upload-form'))")
    page.wait_for_url("**/mapping/")
    assert page.locator("#col_0").input_value() == "name"
    assert page.locator("#col_2").input_value() == "phone"


def test_a_busy_upload_form_restored_from_the_back_forward_cache_can_be_sent_again(new_page, org, tmp_path):
    # given an upload form left busy by its sending
    page, path = _upload_page_holding_the_form(new_page, tmp_path)
    page.set_input_files("#id_file", str(path))
    page.click("#upload-submit")
    button = page.locator("#upload-submit")
    expect(button).to_be_disabled()
    # when the browser shows the page again from its back/forward cache
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    # then the button is as it was, and a new sending goes through the page
    expect(button).to_be_enabled()
    assert button.inner_text().strip() == "上传并继续"
    assert page.locator("#upload-form").get_attribute("aria-busy") is None
    assert button.get_attribute("data-idle") is None
    page.click("#upload-submit")
    assert page.evaluate("window.sent") == [True, True]
