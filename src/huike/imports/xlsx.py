"""The rows of an xlsx workbook's first worksheet, streamed (R-11.1).

openpyxl reads the workbook's parts (content types, shared strings, workbook, number formats), and a
small expat parser reads the sheet itself. openpyxl's own read-only sheet reader builds an element tree
per row and a dict per cell: about 1,500 rows of 11 cells a second. On a sheet without a `<dimension>`
(openpyxl's own write-only files, many exports) it also parses the whole sheet once more just to size it.
expat calls back per tag and the values are decided as openpyxl decides them (`parse_cell` with
`data_only`): the same types, dates by the cell's number format, the 1904 date system, shared and inline
strings, booleans, cached formula results and error values.

The upload check (reading.inspect_file) has already refused DTDs and entity declarations in every XML
part; the parser refuses them again.
"""
from __future__ import annotations

import functools
from typing import IO, Iterator
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import _cast_number
from openpyxl.xml.constants import SHARED_STRINGS

_CHUNK = 1 << 16
MAX_ROWS = 1_048_576  # a worksheet's limit in Excel and WPS
# the local names the sheet parser acts on (a producer may prefix them: <x:row>)
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _PHONETIC = "row", "c", "v", "is", "t", "rPh"


class Refused(ValueError):
    """A workbook part is not what a workbook holds (a DTD)."""


def first_sheet_rows(f: IO[bytes]) -> Iterator[list]:
    """Each row of the first worksheet as its cells' values (None where a cell is empty), rows in order; a
    row missing from the sheet comes as an empty list, so that the n-th item is spreadsheet row n."""
    reader = ExcelReader(f, read_only=True, data_only=True)
    try:
        yield from _rows(reader)
    finally:
        reader.archive.close()


def _rows(reader: ExcelReader) -> Iterator[list]:
    reader.read_manifest()
    strings = reader.package.find(SHARED_STRINGS)
    shared = []
    if strings is not None:
        with reader.archive.open(strings.PartName[1:]) as src:
            shared = _shared_strings(src)
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    wb = reader.wb
    path = next((rel.target for _sheet, rel in reader.parser.find_sheets()
                 if rel.target in reader.valid_files and "chartsheet" not in rel.Type), None)
    if path is None:
        return
    sheet = _Sheet(shared, wb.epoch, wb._date_formats, wb._timedelta_formats)
    parser = sheet.parser()
    expected = 1
    with reader.archive.open(path) as src:
        while True:
            chunk = src.read(_CHUNK)
            parser.Parse(chunk, not chunk)
            for number, cells in sheet.done:
                if number < expected:  # out of order: openpyxl drops it too
                    continue
                while expected < number:
                    expected += 1
                    yield []
                expected += 1
                yield cells
            sheet.done.clear()
            if not chunk:
                return


def _shared_strings(src: IO[bytes]) -> list[str]:
    """The shared strings table as openpyxl's read_string_table reads it (each <si>'s text and its runs'
    texts, not the phonetic ones, with Excel's escape prefix `x005F_` removed), in a quarter of its time."""
    strings: list[str] = []
    pieces: list[str] = []
    state = {"in_t": False, "phonetic": 0}

    def start(name, _attrs):
        name = _local(name)
        if name == _TEXT:
            state["in_t"] = not state["phonetic"]
        elif name == _PHONETIC:
            state["phonetic"] += 1
        elif name == "si":
            pieces.clear()

    def end(name):
        name = _local(name)
        if name == _TEXT:
            state["in_t"] = False
        elif name == _PHONETIC:
            state["phonetic"] -= 1
        elif name == "si":
            strings.append("".join(pieces).replace("x005F_", ""))

    def text(data):
        if state["in_t"]:
            pieces.append(data)

    p = _parser()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
    while chunk := src.read(_CHUNK):
        p.Parse(chunk, False)
    p.Parse(b"", True)
    return strings


def _parser():
    p = expat.ParserCreate()
    p.buffer_text = True
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.StartDoctypeDeclHandler = p.EntityDeclHandler = _refuse
    return p


def _refuse(*_args):
    raise Refused("DTD")


@functools.lru_cache(maxsize=256)
def _local(name: str) -> str:
    """A tag's name without its namespace prefix (`x:row` → `row`)."""
    return name.rpartition(":")[2]


class _Sheet:
    """expat's handlers for one sheet: completed rows collect in `done` as (row number, cells)."""

    def __init__(self, shared: list, epoch, date_styles: set, timedelta_styles: set):
        self.shared, self.epoch = shared, epoch
        self.date_styles, self.timedelta_styles = date_styles, timedelta_styles
        self.done: list[tuple[int, list]] = []
        self.row_number = 0
        self.cells: dict[int, object] = {}
        self.column = 0
        self.kind, self.style, self.value = "n", 0, None
        self.inline: list[str] | None = None
        self.capture: list[str] | None = None  # where character data goes, if anywhere
        self.phonetic = False
        self._columns: dict[str, int] = {}

    def parser(self):
        p = _parser()
        p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = self.start, self.end, self.text
        return p

    def start(self, name: str, attrs: dict) -> None:
        name = _local(name)
        if name == _CELL:
            self.kind = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style else 0
            ref = attrs.get("r")
            self.column = self.column_of(ref) if ref else self.column + 1
            self.value, self.inline = None, None
        elif name == _VALUE:
            self.capture = []
        elif name == _TEXT:
            if self.inline is not None and not self.phonetic:
                self.capture = self.inline
        elif name == _ROW:
            number = attrs.get("r")
            if number:
                as_float = float(number)
                if not as_float.is_integer() or not 1 <= as_float <= MAX_ROWS:
                    raise ValueError(f"{number} is not a row number")  # a gap of billions of empty rows
                self.row_number = int(as_float)
            else:
                self.row_number += 1
            self.cells, self.column = {}, 0
        elif name == _INLINE:
            self.inline = []
        elif name == _PHONETIC:
            self.phonetic = True

    def end(self, name: str) -> None:
        name = _local(name)
        if name == _CELL:
            value = self.cell_value()
            if value is not None:
                self.cells[self.column] = value
        elif name == _VALUE:
            self.value = "".join(self.capture) or None
            self.capture = None
        elif name == _TEXT:
            self.capture = None
        elif name == _ROW:
            cells = [None] * max(self.cells, default=0)
            for column, value in self.cells.items():
                cells[column - 1] = value
            self.done.append((self.row_number, cells))
        elif name == _PHONETIC:
            self.phonetic = False

    def text(self, data: str) -> None:
        if self.capture is not None:
            self.capture.append(data)

    def column_of(self, ref: str) -> int:
        letters = ref.rstrip("0123456789")
        column = self._columns.get(letters)
        if column is None:
            column = 0
            for ch in letters.upper():
                if not "A" <= ch <= "Z":
                    raise ValueError(f"{ref} is not a cell reference")
                column = column * 26 + ord(ch) - 64
            if not 1 <= column <= 16384:
                raise ValueError(f"{ref} is not a cell reference")
            self._columns[letters] = column
        return column

    def cell_value(self):
        """openpyxl's parse_cell with data_only: the cached value of a formula, never the formula."""
        kind, value = self.kind, self.value
        if kind == "inlineStr":
            return None if self.inline is None else "".join(self.inline)
        if value is None:
            return None
        if kind == "n":
            value = _cast_number(value)
            if self.style in self.date_styles:
                try:
                    return from_excel(value, self.epoch, timedelta=self.style in self.timedelta_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return value
        if kind == "s":
            return self.shared[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text), "e" (an error such as #N/A)
