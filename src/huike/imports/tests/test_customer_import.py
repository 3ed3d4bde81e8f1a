import pytest

from huike.audit.models import AuditEntry
from huike.customers.models import Customer, StageChange
from huike.imports.models import ImportRowError
from huike.imports.tests.helpers import HEADER, csv_bytes, customer_row, run_import, xlsx_bytes


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_each_encoding_imports_every_valid_row(org, encoding):
    # given a csv of three customers with Chinese headers, saved in `encoding`
    content = csv_bytes([customer_row(i) for i in range(3)], encoding=encoding)
    # when ra1 imports it
    job = run_import(org.ra1, "客户.csv", content)
    # then three customers exist, owned by the importer, with labels turned into keys
    assert (job.status, job.total, job.created, job.updated, job.skipped) == ("done", 3, 3, 0, 0)
    customers = list(Customer.objects.order_by("code"))
    assert [c.name for c in customers] == ["测试客户0有限公司", "测试客户1有限公司", "测试客户2有限公司"]
    first = customers[0]
    assert (first.owner, first.contact_name, first.phone, first.email) == (org.ra1, "联系人0", "+8613900000000", "c0@example.com")
    assert (first.industry, first.intent, first.created_by) == ("manufacturing", "high", org.ra1)
    assert sorted(first.tags.values_list("name", flat=True)) == ["华东", "重点"]
    assert first.code.startswith("C") and first.search_text and first.name_key == "测试客户0"
    assert StageChange.objects.filter(customer=first, to_stage="potential").count() == 1


def test_bad_rows_are_listed_with_their_spreadsheet_row_and_the_rest_imported(org):
    # given rows 2 and 4 valid, row 3 without a name and with a bad phone
    content = csv_bytes([customer_row(1), customer_row(2, name="", phone="12345"), customer_row(3)])
    # when imported
    job = run_import(org.ra1, "c.csv", content)
    # then row 3 is listed per field and not imported; the others are
    assert (job.created, job.failed_rows) == (2, 1)
    errors = list(ImportRowError.objects.filter(job=job).values_list("row", "field"))
    assert errors == [(3, "name"), (3, "phone")]
    assert Customer.objects.count() == 2


def test_repeating_with_skip_creates_nothing_new_and_update_updates(org):
    # given an import done once
    rows = [customer_row(i) for i in range(5)]
    run_import(org.ra1, "c.csv", csv_bytes(rows))
    codes = list(Customer.objects.order_by("code").values_list("code", flat=True))
    # when the same file is imported again with skip
    again = run_import(org.ra1, "c.csv", csv_bytes(rows))
    # then every row is skipped and nothing changed
    assert (again.created, again.updated, again.skipped) == (0, 0, 5)
    assert list(Customer.objects.order_by("code").values_list("code", flat=True)) == codes
    # when a changed file is imported with update
    changed = [customer_row(i, contact=f"新联系人{i}", intent="低意向") for i in range(5)]
    updated = run_import(org.ra1, "c.csv", csv_bytes(changed), on_duplicate="update")
    # then the same customers carry the new values, audited through the customer service
    assert (updated.created, updated.updated, updated.skipped) == (0, 5, 0)
    assert list(Customer.objects.order_by("code").values_list("contact_name", "intent"))[:2] == [
        ("新联系人0", "low"), ("新联系人1", "low")]
    assert AuditEntry.objects.filter(action="update", object_type="customers.customer").count() == 5


def test_a_customer_repeated_inside_one_file_is_created_once(org):
    # given the same phone on rows 2 and 3
    content = csv_bytes([customer_row(1), customer_row(1, name="另一个名字", email="other@example.com")])
    # when imported
    job = run_import(org.ra1, "c.csv", content)
    # then one customer, the other row skipped
    assert (job.created, job.skipped, Customer.objects.count()) == (1, 1, 1)


def test_update_of_a_customer_the_importer_cannot_see_is_refused(org):
    # given a customer of rep rb1 (team B) with the phone of row 2
    run_import(org.rb1, "c.csv", csv_bytes([customer_row(1)]))
    before = list(Customer.objects.values_list("pk", "contact_name", "owner"))
    # when ra1 imports the same phone with update
    job = run_import(org.ra1, "c.csv", csv_bytes([customer_row(1, contact="改名")]), on_duplicate="update")
    # then the row is an error and rb1's customer is untouched
    assert (job.created, job.updated, job.failed_rows) == (0, 0, 1)
    assert list(ImportRowError.objects.filter(job=job).values_list("row", "field")) == [(2, "phone")]
    assert list(Customer.objects.values_list("pk", "contact_name", "owner")) == before


def test_a_manager_maps_an_owner_column_within_the_team_only(org):
    # given rows owned by ra2 (team A), rb1 (team B) and an unknown name
    header = [*HEADER, "负责人"]
    rows = [customer_row(1) + ["ra2"], customer_row(2) + ["陈销售"], customer_row(3) + ["nobody"]]
    # when manager ma imports them
    job = run_import(org.ma, "c.csv", csv_bytes(rows, header=header))
    # then only the team member's row is imported, owned by ra2
    assert (job.created, job.failed_rows) == (1, 2)
    assert list(Customer.objects.values_list("owner__username", flat=True)) == ["ra2"]
    assert list(ImportRowError.objects.filter(job=job).values_list("row", "field")) == [(3, "owner"), (4, "owner")]


def test_an_admin_may_give_customers_to_anyone_and_a_rep_only_to_themselves(org):
    header = [*HEADER, "owner"]
    # when the admin imports a row for rb1 and ra1 imports a row for ra2
    admin_job = run_import(org.admin, "c.csv", csv_bytes([customer_row(1) + ["rb1"]], header=header))
    rep_job = run_import(org.ra1, "c.csv", csv_bytes([customer_row(2) + ["ra2"]], header=header))
    # then the admin's row is rb1's and the rep's row is refused
    assert (admin_job.created, rep_job.created, rep_job.failed_rows) == (1, 0, 1)
    assert list(Customer.objects.values_list("owner__username", flat=True)) == ["rb1"]


def test_xlsx_with_numbers_dates_and_english_headers(org):
    import datetime as dt

    # given an xlsx whose phone is a number cell and whose dates are date cells, with English labels
    header = ["Customer name", "Contact person", "Phone", "Expected close date", "Funnel stage", "Churn reason",
              "Involves core business"]
    rows = [["Acme Ltd", "Ann", 13812345678, dt.date(2026, 3, 1), "Lost", "Price", "yes"]]
    # when imported
    job = run_import(org.ra1, "c.xlsx", xlsx_bytes(rows, header=header))
    # then the values are converted
    c = Customer.objects.get()
    assert job.created == 1
    assert (c.phone, c.expected_close_date, c.stage, c.lost_reason, c.core_business) == (
        "+8613812345678", dt.date(2026, 3, 1), "lost", "price", True)


def test_one_audit_entry_per_batch_names_every_customer_created(org):
    # given 5 rows imported in batches of 2
    job = run_import(org.ra1, "c.csv", csv_bytes([customer_row(i) for i in range(5)]), batch_size=2)
    # then three import entries name the five codes
    entries = AuditEntry.objects.filter(action="import_create", object_id=job.pk).order_by("id")
    codes = [code for e in entries for code in e.changes["customers"][1]]
    assert len(entries) == 3
    assert sorted(codes) == sorted(Customer.objects.values_list("code", flat=True))


def test_labels_repeated_down_a_column_convert_to_the_same_keys_every_time(org):
    from huike.imports import customer_rows, services

    # given a run's context for a file with industry, intent and stage columns
    header = ["客户名称", "联系人", "联系电话", "所属行业", "意向等级", "Funnel stage"]
    job = run_import(org.ra1, "c.csv", csv_bytes([["甲", "张", "13900000001", "制造业", "高意向", "意向客户"]],
                                                 header=header))
    ctx = services._context(job)
    row = ["乙", "李", "13900000002", "Manufacturing", "高", "  intent  "]
    # when the same cells are converted twice (the second time from the run's memo) and a new label once
    first, second = customer_rows.convert(ctx, row), customer_rows.convert(ctx, row)
    other = customer_rows.convert(ctx, ["丙", "王", "13900000003", "不存在的行业", "", ""])
    # then both conversions give the stored keys, and an unknown label stays as written (the check lists it)
    assert first == second == ({"name": "乙", "contact_name": "李", "phone": "13900000002",
                                "industry": "manufacturing", "intent": "high", "stage": "intent"}, [])
    assert other == ({"name": "丙", "contact_name": "王", "phone": "13900000003", "industry": "不存在的行业"}, [])
