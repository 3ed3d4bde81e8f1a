"""Duplicate checks of a customer import: one indexed lookup per key for each batch."""
import pytest
from django.db import connection
from django.utils import translation

from huike.customers.models import Customer
from huike.customers.services import customer_delete
from huike.imports import customer_rows
from huike.imports.models import ImportRowError
from huike.imports.tests.helpers import csv_bytes, run_import

HEADER = ["客户名称", "联系人", "联系电话", "邮箱", "信用代码", "编号"]
CREDIT = "91110108551385082Q"


def existing(org):
    """Three customers of ra1: one by phone, one by email only, one with a credit code."""
    run_import(org.ra1, "c.csv", csv_bytes([
        ["甲公司", "张三", "13900000001", "", "", ""],
        ["乙公司", "李四", "", "b@example.com", "", ""],
        ["丙公司", "王五", "13900000003", "", CREDIT, ""],
    ], header=HEADER))
    return {c.name: c for c in Customer.objects.all()}


def test_a_row_is_a_duplicate_by_each_key_alone(org):
    # given three existing customers and a fourth whose code is known
    found = existing(org)
    code = found["甲公司"].code
    # when rows match them by phone only, email only, credit code only and code only
    job = run_import(org.ra1, "c.csv", csv_bytes([
        ["新1", "赵", "139 0000 0001", "new1@example.com", "", ""],
        ["新2", "钱", "13900000012", "B@Example.com", "", ""],
        ["新3", "孙", "13900000013", "", CREDIT.lower(), ""],
        ["新4", "周", "13900000014", "", "", code.lower()],
        ["新5", "吴", "13900000015", "", "", ""],
    ], header=HEADER))
    # then the first four are skipped and only the fifth is new
    assert (job.created, job.skipped, job.failed_rows) == (1, 4, 0)
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["丙公司", "乙公司", "新5", "甲公司"]


@pytest.mark.parametrize("language, message", [
    ("zh-hans", "该行与 2 个不同的已有客户重复，请核对联系电话、邮箱或统一社会信用代码。"),
    ("en", "The row matches 2 different existing customers; fix the phone, email or credit code."),
])
def test_a_row_matching_two_customers_is_an_error_naming_its_first_key(org, language, message):
    # given customers 甲 (phone) and 乙 (email)
    existing(org)
    # when one row carries 甲's phone and 乙's email, with update, imported in `language`
    with translation.override(language):
        job = run_import(org.ra1, "c.csv", csv_bytes([["合并", "赵", "13900000001", "b@example.com", "", ""]],
                                                     header=HEADER), on_duplicate="update")
    # then the row is refused on the phone in that language, nothing changes
    assert (job.created, job.updated, job.failed_rows) == (0, 0, 1)
    assert list(ImportRowError.objects.filter(job=job).values_list("row", "field", "message")) == [
        (2, "phone", message)]


def test_a_deleted_customer_is_not_a_duplicate(org):
    # given 甲 deleted
    found = existing(org)
    customer_delete(actor=org.admin, customer=found["甲公司"])
    # when a row carries 甲's phone
    job = run_import(org.ra1, "c.csv", csv_bytes([["甲公司", "张三", "13900000001", "", "", ""]], header=HEADER))
    # then it is a new customer
    assert (job.created, job.skipped) == (1, 0)
    assert Customer.objects.filter(phone="+8613900000001", deleted_at__isnull=True).count() == 1


def test_the_lookup_returns_each_live_match_under_every_key_it_has(org):
    # given the three customers
    found = existing(org)
    valid = [{"keys": ("+8613900000003", "", ""), "code": ""},
             {"keys": ("", "b@example.com", ""), "code": found["甲公司"].code}]
    # when the batch's keys are looked up
    keys, ids = customer_rows._existing(valid)
    # then every key of each matched customer maps to it
    jia, yi, bing = found["甲公司"], found["乙公司"], found["丙公司"]
    assert keys == {("phone", "+8613900000003"): bing.pk, ("credit_code", CREDIT): bing.pk, ("code", bing.code): bing.pk,
                    ("email", "b@example.com"): yi.pk, ("code", yi.code): yi.pk,
                    ("phone", "+8613900000001"): jia.pk, ("code", jia.code): jia.pk}
    assert ids == {jia.pk, yi.pk, bing.pk}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL's depends on its statistics")
def test_on_sqlite_the_lookup_searches_the_unique_indexes_and_scans_no_table(org):
    # given the lookup statement with a value for each key
    sql = customer_rows._existing_sql().replace("%s", "?")
    params = ['["+8613900000001"]', '["b@example.com"]', f'["{CREDIT}"]', '["C000001"]']
    # when SQLite plans it
    with connection.cursor() as cursor:
        plan = [row[-1] for row in cursor.connection.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()]
    # then each key searches its own index and the customers table is never scanned
    searches = sorted(line.split(" USING ")[1].split(" (")[0] for line in plan if line.startswith("SEARCH customers_customer"))
    assert searches == ["INDEX customer_credit_code_unique", "INDEX customer_email_unique", "INDEX customer_phone_unique",
                        "INDEX sqlite_autoindex_customers_customer_1"]
    assert not [line for line in plan if line.startswith("SCAN customers_customer")]
