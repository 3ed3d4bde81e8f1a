"""Reading: encodings, a real multi-megabyte workbook passes the zip checks, blank rows keep their numbers."""
import io

from huike.imports import reading
from huike.imports.tests.helpers import csv_bytes, customer_row, xlsx_bytes


def test_a_large_real_workbook_is_not_mistaken_for_a_zip_bomb():
    # given a real workbook whose sheet unpacks to several MB, followed by small parts
    content = xlsx_bytes([customer_row(i) for i in range(20000)])
    # when inspected
    found = reading.inspect_file("big.xlsx", io.BytesIO(content), len(content))
    # then it is read whole
    assert (found.file_format, found.total, found.headers[0]) == ("xlsx", 20000, "客户名称")


def test_gbk_is_detected_and_blank_rows_keep_the_spreadsheet_numbering():
    # given a GBK csv with a blank line between rows 2 and 4
    content = csv_bytes([customer_row(1), ["", "", "", "", "", "", ""], customer_row(3)], encoding="gbk")
    f = io.BytesIO(content)
    # when inspected and read
    found = reading.inspect_file("c.csv", f, len(content))
    f.seek(0)
    rows = list(reading.iter_rows("csv", found.encoding, f, len(found.headers)))
    # then the encoding is GB18030 (a superset of GBK), two rows count, numbered 2 and 4
    assert (found.encoding, found.total) == ("gb18030", 2)
    assert [(n, cells[0]) for n, cells in rows] == [(2, "测试客户1有限公司"), (4, "测试客户3有限公司")]
