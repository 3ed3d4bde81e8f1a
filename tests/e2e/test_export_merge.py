"""Export and merge in a browser: the filtered list exports just its rows; duplicates → merge → undo."""
import csv
import io

import pytest

from huike.customers.models import Customer
from huike.testing.factories import make_customer, make_followup

from .conftest import DESKTOP, PHONE, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_rep_exports_the_filtered_list_as_csv(new_page, org):
    # given ra1's customers in two stages and a teammate's in the same stage
    wanted = make_customer(org.ra1, name="导出意向客户有限公司", stage="intent")
    make_customer(org.ra1, name="导出潜在客户有限公司", stage="potential")
    make_customer(org.ra2, name="同事的意向客户有限公司", stage="intent")
    page = new_page(DESKTOP)
    login(page, "ra1")
    # when ra1 filters the list by stage (HTMX updates the address) and presses Export
    page.goto("/customers/")
    page.select_option("select[name=stage]", "intent")
    page.wait_for_url("**stage=intent**")
    page.locator("#customer-count", has_text="1 个客户").wait_for()  # the heading follows the filtered results
    assert page.locator("#customer-count").count() == 1
    shot(page, "desktop-customers-export-button")
    page.click("#export-customers")
    page.wait_for_url("**/data/export/?**stage=intent**")
    assert page.locator("#export-count").inner_text() == "当前筛选结果共 1 位客户"  # zh-Hans, the default
    shot(page, "desktop-export-form")
    page.check("#fmt-csv")
    with page.expect_download() as download:
        page.click("#export-submit")
    # then the csv holds only ra1's intent customer
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and rows[1][:2] == [wanted.code, "导出意向客户有限公司"]


def test_manager_merges_duplicates_and_undoes_it(new_page, org):
    # given the same company twice in team A, the second with a follow-up
    keep = make_customer(org.ra1, name="杭州星河科技有限公司")
    other = make_customer(org.ra2, name="星河科技")
    make_followup(other, org.ra2)
    page = new_page(DESKTOP)
    login(page, "ma")
    # when ma scans for duplicates and merges the second record into the first
    page.click("#nav-duplicates")
    page.click("#scan-now")
    page.locator(".dup-group").first.wait_for()
    shot(page, "desktop-duplicates")
    page.check(f"#keep-{keep.pk}")
    page.click(f"#merge-{other.pk}")
    page.wait_for_url("**/data/merges/*/")
    # then the merge page lists what moved, and the other record is gone from the list
    assert "1" in page.locator("#merge-moved").inner_text()
    shot(page, "desktop-merge-done")
    assert Customer.objects.get(pk=other.pk).deleted_at is not None
    assert keep.followups.count() == 1
    # when ma undoes the merge
    page.click("#merge-undo")
    page.locator("#other-link").wait_for()
    shot(page, "desktop-merge-undone")
    # then both records are back as they were
    assert Customer.objects.get(pk=other.pk).deleted_at is None
    assert (keep.followups.count(), other.followups.count()) == (0, 1)


def test_duplicates_page_on_a_phone(new_page, org):
    # given two records of one company
    make_customer(org.ra1, name="手机端重复有限公司"), make_customer(org.ra2, name="手机端重复")
    page = new_page(PHONE)
    login(page, "ma")
    # when the manager scans on a phone
    page.goto("/data/duplicates/")
    page.click("#scan-now")
    page.locator(".dup-group").first.wait_for()
    # then the group and its merge buttons fit the screen
    shot(page, "phone-duplicates")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
