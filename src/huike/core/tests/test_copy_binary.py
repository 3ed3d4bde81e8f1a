"""copy_binary: rows for PostgreSQL's binary COPY from numpy columns (the format's bytes checked without a
database; the rows read back through a real COPY on PostgreSQL)."""
import datetime as dt
import struct

import numpy as np
import pytest
from django.db import connection

from huike.core import copy_binary
from huike.core.copy_binary import Column


def field(fmt: str | None, value=None) -> bytes:
    """One field as the format writes it: its length, then its big-endian bytes (None: NULL)."""
    if fmt is None:
        return struct.pack(">i", -1)
    if fmt == "text":
        return struct.pack(">i", len(value)) + value
    return struct.pack(">i", struct.calcsize(fmt)) + struct.pack(">" + fmt, value)


def test_each_kind_is_written_as_the_format_says():
    # given one row of every kind: bigint, int, smallint, boolean, a date, a text code and a NULL
    columns = [Column(np.array([2**40 + 7]), "int8"), Column(np.array([-5]), "int4"),
               Column(np.array([3]), "int2"), Column(np.array([True]), "bool"),
               Column(np.array([dt.date(2026, 10, 31).toordinal()]), "date"),
               Column(np.array([1]), "text", texts=("", "战略")),
               Column(np.array([0]), "int2", null=np.array([True]))]
    # when it is encoded
    data = copy_binary.stream(columns)
    # then it is the header, the row field by field (dates count days from 2000-01-01), and the trailer
    days = (dt.date(2026, 10, 31) - dt.date(2000, 1, 1)).days
    assert data == (b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8 + struct.pack(">h", 7)
                    + field("q", 2**40 + 7) + field("i", -5) + field("h", 3) + field("?", 1) + field("i", days)
                    + field("text", "战略".encode()) + field(None) + struct.pack(">h", -1))


def test_rows_of_different_layouts_go_out_whole_in_the_order_given():
    # given four rows: an empty text or a code, a NULL or a value
    ids = Column(np.array([1, 2, 3, 4]), "int8")
    codes = Column(np.array([0, 1, 0, 1]), "text", texts=("", "high"))
    scores = Column(np.array([0, 5, 4, 0]), "int2", null=np.array([True, False, False, True]))
    # when they are encoded
    data = copy_binary.rows([ids, codes, scores])

    # then each row is there once, whole, in the order given
    def row(i, code, score):
        return (struct.pack(">h", 3) + field("q", i) + field("text", code)
                + (field(None) if score is None else field("h", score)))
    assert data == row(1, b"", None) + row(2, b"high", 5) + row(3, b"", 4) + row(4, b"high", None)


def test_a_value_outside_its_type_or_a_missing_text_is_refused_not_wrapped():
    # a smallint beyond its range, a text index beyond its texts, a date before year 1, columns of unequal length
    for columns in ([Column(np.array([40_000]), "int2")], [Column(np.array([2]), "text", texts=("a", "b"))],
                    [Column(np.array([0]), "date")]):
        with pytest.raises(ValueError, match="outside"):
            copy_binary.rows(columns)
    with pytest.raises(ValueError, match="differ in length"):
        copy_binary.rows([Column(np.array([1, 2]), "int8"), Column(np.array([1]), "int8")])
    # a NULL's value is not checked (a date of 0 there means "none")
    nothing = Column(np.array([0]), "date", null=np.array([True]))
    assert copy_binary.rows([nothing]) == struct.pack(">h", 1) + field(None)
    # and a column of an unknown kind, or a text column without its texts, is refused when it is made
    with pytest.raises(ValueError, match="unknown"):
        Column(np.array([1]), "float8")
    with pytest.raises(ValueError, match="texts"):
        Column(np.array([0]), "text")


@pytest.mark.django_db
def test_rows_copied_into_postgresql_read_back_exactly():
    if connection.vendor != "postgresql":
        pytest.skip("binary COPY is PostgreSQL's; SQLite takes the same columns as tuples (classification.writer)")
    # given 1,000 rows of every kind, with NULLs and empty texts among them
    n = 1000
    rng = np.random.default_rng(7)
    big = rng.integers(-2**62, 2**62, n)
    day = rng.integers(dt.date(1, 1, 1).toordinal(), dt.date(9999, 12, 31).toordinal(), n)
    flag, code, score = rng.integers(0, 2, n).astype(bool), rng.integers(0, 3, n), rng.integers(-3, 6, n)
    columns = [Column(np.arange(n), "int8"), Column(big, "int8"), Column(day, "date", null=day % 5 == 0),
               Column(flag, "bool"), Column(code, "text", texts=("", "高", "medium")),
               Column(score, "int2", null=score < 0), Column(score * 1000, "int4")]
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE copied (i bigint, big bigint, day date, flag boolean, code varchar(10), "
                    "score smallint, wide integer) ON COMMIT DROP")
        # when they are COPYed in binary
        with cur.cursor.copy("COPY copied FROM STDIN (FORMAT binary)") as copy:
            copy.write(copy_binary.stream(columns))
        cur.execute("SELECT i, big, day, flag, code, score, wide FROM copied ORDER BY i")
        got = cur.fetchall()
    # then every row reads back as given
    texts = ("", "高", "medium")
    assert got == [(i, big[i], None if day[i] % 5 == 0 else dt.date.fromordinal(day[i]), bool(flag[i]),
                    texts[code[i]], None if score[i] < 0 else score[i], score[i] * 1000) for i in range(n)]
