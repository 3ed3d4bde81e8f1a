"""The import's plain writes: the one-parameter lists of texts, and PostgreSQL's COPY of rows whose text the
preparing process wrote."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from huike.imports import bulk

TRICKY = ["tab\there", "line\nbreak", "carriage\rreturn", "back\\slash", "\\N", "", "汇客 «引号» 'quote' \"dq\"",
          "{braces,comma}", "NULL"]


@pytest.mark.django_db
@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                        max_size=12), max_size=8))
def test_a_list_of_any_texts_is_one_parameter_that_finds_exactly_those_texts(texts):
    # given a table holding the tricky texts and the generated ones
    wanted = sorted(set(texts) | {TRICKY[0], TRICKY[4]})
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS bulk_texts (v text)")
        cursor.execute("DELETE FROM bulk_texts")
        for value in {*TRICKY, *texts, "not asked for"}:
            cursor.execute("INSERT INTO bulk_texts (v) VALUES (%s)", [value])
        # when the wanted texts are looked up as one parameter
        cursor.execute(f"SELECT v FROM bulk_texts WHERE v {bulk.among()} ORDER BY v",  # noqa: S608
                       [bulk.list_param(wanted)])
        found = [v for (v,) in cursor.fetchall()]
    # then exactly those are found
    assert sorted(found) == wanted


ROWS = [
    [1, "tab\there", None, True, Decimal("1234.50"), datetime.date(2026, 2, 28),
     datetime.datetime(2026, 11, 23, 8, 30, 1, 250000, tzinfo=datetime.timezone.utc), Jsonb({"标签": ["a\tb"]})],
    [2, "\\N", "line\nbreak\rcr\\slash", False, None, None, None, Jsonb([])],
]
COLUMNS = ["id", "a", "b", "flag", "amount", "day", "at", "doc"]


def _table(cursor, name: str) -> None:
    cursor.execute(f"CREATE TEMPORARY TABLE {name} (id bigint, a text, b text, flag boolean, "  # noqa: S608
                   "amount numeric(12, 2), day date, at timestamptz, doc jsonb)")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_rows_of_a_head_and_a_prepared_tail_store_what_copy_write_row_stores():
    with connection.cursor() as cursor:
        _table(cursor, "bulk_by_row")
        _table(cursor, "bulk_by_tail")
        # given the rows written by psycopg's own COPY, value by value
        with cursor.cursor.copy(f"COPY bulk_by_row ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in ROWS:
                copy.write_row(row)
        # when the same rows are written as two head values and the COPY text of the rest
        bulk.copy_rows("bulk_by_tail", COLUMNS, [row[:2] for row in ROWS], [bulk.copy_text(row[2:]) for row in ROWS])
        # then both tables hold the same rows, the awkward texts unchanged
        cursor.execute("SELECT * FROM bulk_by_row ORDER BY id")
        by_row = cursor.fetchall()
        cursor.execute("SELECT * FROM bulk_by_tail ORDER BY id")
        by_tail = cursor.fetchall()
    assert by_tail == by_row
    assert [r[1:3] for r in by_tail] == [("tab\there", None), ("\\N", "line\nbreak\rcr\\slash")]


def test_copy_text_is_one_escaped_line_and_needs_no_connection():
    # when values are written as COPY text (no database access is allowed in this test)
    line = bulk.copy_text(["a\tb", None, 7, False, "x\\y\n"])
    # then they are one line: tabs between, \N for NULL, the specials escaped
    assert line == b"a\\tb\t\\N\t7\tf\tx\\\\y\\n\n"


def test_copy_rows_refuses_heads_and_tails_of_different_lengths():
    # given two heads and one tail
    # when they are written, then nothing is sent: the rows are paired before any statement
    with pytest.raises(ValueError):
        bulk.copy_rows("unused", ["id", "a"], [[1], [2]], [b"x\n"])
