"""The xlsx sheet reader gives what openpyxl's own reader gives, for the workbooks Excel, WPS and openpyxl
write: shared and inline strings, numbers, dates by number format, the 1904 date system, booleans, cached
formula results, errors, phonetic runs, missing cells and rows, prefixed tags."""
import datetime
import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from huike.imports.reading import UploadRefused, _raw_rows, _trimmed
from huike.imports.xlsx import first_sheet_rows

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _openpyxl_rows(content: bytes) -> list[list]:
    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    ws.reset_dimensions()  # read every row, whatever the sheet's <dimension> says
    rows = [_trimmed(list(r)) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def _refusals(content: bytes) -> list[str]:
    """The upload's refusal in English and in Chinese."""
    messages = []
    for language in ("en", "zh-hans"):
        with translation.override(language), pytest.raises(UploadRefused) as refused:
            list(_raw_rows("xlsx", "", io.BytesIO(content)))
        messages.append(refused.value.message)
    return messages


UNREADABLE = ["The workbook cannot be read; save it again from Excel or WPS as .xlsx.",
              "无法读取该工作簿，请用 Excel 或 WPS 重新另存为 .xlsx。"]


def _ours(content: bytes) -> list[list]:
    return [_trimmed(r) for r in first_sheet_rows(io.BytesIO(content))]


def excel_style(sheet_rows: str, strings: list[str], date1904: bool = False, prefix: str = "",
                dimension: str = "") -> bytes:
    """A workbook as Excel writes it: a shared strings table, a styles part whose style 1 is a date
    (numFmt 14), style 2 a custom date-time format, style 3 a duration; `sheet_rows` is the raw <row>
    XML of the sheet (tags with `prefix` if given)."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{NS}"' if prefix else f'xmlns="{NS}"'
    sst = "".join(s if s.startswith("<si>") else f"<si><t xml:space=\"preserve\">{escape(s)}</t></si>"
                  for s in strings)
    date_system = ' date1904="1"' if date1904 else ""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName='
            '"/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}">'
            f'<workbookPr{date_system}/><sheets><sheet name="客户" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>'),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{sst}</sst>'),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{NS}"><numFmts count="2">'
            '<numFmt numFmtId="164" formatCode="yyyy/m/d\\ h:mm"/><numFmt numFmtId="165" formatCode="[h]:mm:ss"/>'
            '</numFmts><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="4">'
            '<xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" xfId="0" applyNumberFormat="1"/>'
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}>'
            + (f'<{p}dimension ref="{dimension}"/>' if dimension else "")
            + f'<{p}sheetData>{sheet_rows}</{p}sheetData></{p}worksheet>'),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return out.getvalue()


STRINGS = ["客户名称", "联系电话", "  前后空格  ", "多行\n文本", "x005F_x000D_ kept as openpyxl reads it",
           "<si><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r><rPh sb=\"0\" eb=\"1\"><t>フ</t></rPh></si>",
           "签约日期"]
SHEET = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>6</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>13800138000</v></c><c r="C2" s="1"><v>45000</v></c>'
    '<c r="D2" s="2"><v>45000.5</v></c><c r="E2" s="3"><v>1.25</v></c></row>'
    '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="C3" t="b"><v>1</v></c><c r="D3"><v>2.5E-3</v></c></row>'
    '<row r="5" spans="1:4"><c r="A5" t="s"><v>4</v></c><c r="B5" t="str"><f>A5&amp;"x"</f><v>算出</v></c>'
    '<c r="C5" t="e"><v>#N/A</v></c><c r="D5"><f>1+1</f><v>2</v></c></row>'
    '<row r="6"><c r="A6" t="s"><v>5</v></c><c r="B6" t="inlineStr"><is><t>内联</t></is></c>'
    '<c r="C6" s="1"/><c r="D6" t="d"><v>2026-11-23T08:30:00</v></c><c r="F6"><v>-7</v></c></row>'
    '<row><c t="s"><v>0</v></c><c><v>3</v></c></row>'
)


@pytest.mark.parametrize("date1904", [False, True])
def test_an_excel_style_workbook_reads_as_openpyxl_reads_it(date1904):
    # given a workbook with shared strings, dates, durations, booleans, formulas, errors, gaps
    content = excel_style(SHEET, STRINGS, date1904=date1904)
    # when both readers read it
    ours, theirs = _ours(content), _openpyxl_rows(content)
    # then the rows are the same, value for value and type for type
    assert ours == theirs
    assert [[type(v).__name__ for v in r] for r in ours] == [[type(v).__name__ for v in r] for r in theirs]
    # and the values are the ones written
    assert ours[1][:3] == ["  前后空格  ", 13800138000,
                           datetime.datetime(2027, 3, 16) if date1904 else datetime.datetime(2023, 3, 15)]
    assert ours[3] == []  # row 4 is missing from the sheet
    assert ours[4] == ["x005F_x000D_ kept as openpyxl reads it".replace("x005F_", ""), "算出", "#N/A", 2]
    assert ours[5][:2] == ["富文本", "内联"]
    assert ours[6] == ["客户名称", 3]


def test_prefixed_tags_and_a_short_dimension_are_read_whole():
    # given a sheet whose tags carry a prefix and whose <dimension> claims one row only
    content = excel_style(SHEET.replace("<row", "<x:row").replace("</row", "</x:row").replace("<c ", "<x:c ")
                          .replace("</c>", "</x:c>").replace("<c>", "<x:c>").replace("<v>", "<x:v>")
                          .replace("</v>", "</x:v>").replace('<c r="C6" s="1"/>', '<x:c r="C6" s="1"/>'),
                          STRINGS, prefix="x", dimension="A1:C1")
    # when it is read
    rows = _ours(content)
    # then every row is there, as in the unprefixed sheet
    assert rows == _ours(excel_style(SHEET, STRINGS))
    assert len(rows) == 7


def test_an_openpyxl_written_workbook_reads_the_same():
    # given a workbook written by openpyxl (inline strings, no dimension), with dates and empty cells
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "日期", "金额", None, "备注"])
    ws.append(["甲", datetime.datetime(2026, 1, 2, 3, 4, 5), 12.5, None, "tab\there"])
    ws.append([])
    ws.append([None, None, 0, True, "=SUM(C2:C3)"])
    out = io.BytesIO()
    wb.save(out)
    # when both readers read it, then they agree
    assert _ours(out.getvalue()) == _openpyxl_rows(out.getvalue())


def test_a_sheet_that_is_not_xml_is_refused_with_the_workbook_message():
    # given a workbook whose sheet is cut off in the middle of a tag
    content = excel_style(SHEET, STRINGS)
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data[:-40] if info.filename.endswith("sheet1.xml") else data)
    # when its rows are read, then the upload is refused in words
    assert _refusals(broken.getvalue()) == UNREADABLE


def test_a_shared_string_index_out_of_range_is_refused():
    # given a cell pointing at the 100th of 7 shared strings
    content = excel_style('<row r="1"><c r="A1" t="s"><v>99</v></c></row>', STRINGS)
    # when read, then refused
    assert _refusals(content) == UNREADABLE


def test_a_row_number_beyond_a_worksheet_s_last_row_is_refused():
    # given a sheet whose second row claims to be row 10,000,000 (which would be a gap of empty rows)
    content = excel_style('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                          '<row r="10000000"><c r="A10000000" t="s"><v>1</v></c></row>', STRINGS)
    # when read, then refused before any gap is filled
    assert _refusals(content) == UNREADABLE


_CELLS = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.integers(min_value=-(2 ** 53), max_value=2 ** 53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(9999, 12, 31)),
    st.dates(min_value=datetime.date(1900, 3, 1)),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_CELLS, max_size=8), min_size=1, max_size=12))
def test_any_sheet_openpyxl_writes_reads_as_openpyxl_reads_it(rows):
    # given any sheet of texts, numbers, booleans, dates and gaps, written by openpyxl
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    # when both readers read it, then they agree value for value and type for type
    ours, theirs = _ours(out.getvalue()), _openpyxl_rows(out.getvalue())
    assert ours == theirs
    assert [[type(v) for v in r] for r in ours] == [[type(v) for v in r] for r in theirs]
