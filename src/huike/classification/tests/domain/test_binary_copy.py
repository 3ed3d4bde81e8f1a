"""The binary COPY reader of the feature passes: PostgreSQL's documented stream format, decoded without a database."""
import struct

import numpy as np
import pytest

from huike.classification.features_sql import COPY_SIGNATURE, binary_frames

HEADER = COPY_SIGNATURE + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)


def row(*fields: tuple[str, int | None]) -> bytes:
    """One tuple: the field count, then each field's length and big-endian value (None: NULL)."""
    out = struct.pack(">h", len(fields))
    for fmt, value in fields:
        if value is None:
            out += struct.pack(">i", -1)
        else:
            out += struct.pack(">i", struct.calcsize(fmt)) + struct.pack(">" + fmt, value)
    return out


def stream(rows: list[bytes]) -> bytes:
    return HEADER + b"".join(rows) + TRAILER


def test_rows_of_mixed_integer_widths_decode_to_int64_columns():
    # given a bigint, an int, a smallint and a boolean per row, one of them negative
    data = stream([row(("q", 2**40 + 7), ("i", -5), ("h", 3), ("?", 1)), row(("q", 8), ("i", 738_000), ("h", 0),
                                                                              ("?", 0))])
    # when the stream is read in one piece
    frames = list(binary_frames([data], 4))
    # then one frame holds both rows, exactly
    assert len(frames) == 1
    assert frames[0].dtype == np.int64
    assert frames[0].tolist() == [[2**40 + 7, -5, 3, 1], [8, 738_000, 0, 0]]


def test_a_stream_split_anywhere_gives_the_same_rows_in_frames_of_the_given_size():
    # given seven rows of two columns, delivered one byte at a time
    rows = [row(("q", n), ("q", n * n)) for n in range(7)]
    data = stream(rows)
    # when they are read in frames of three rows
    frames = list(binary_frames([data[i:i + 1] for i in range(len(data))], 2, size=3))
    # then the frames are 3, 3 and 1 rows, in order
    assert [len(f) for f in frames] == [3, 3, 1]
    assert np.concatenate(frames).tolist() == [[n, n * n] for n in range(7)]


def test_an_empty_result_gives_no_frame():
    # given a stream with the header and the trailer only
    # when it is read
    # then there is nothing
    assert list(binary_frames([stream([])], 3)) == []


def test_a_null_in_the_first_row_is_refused():
    # given a first row with a NULL
    data = stream([row(("q", 1), ("q", None))])
    # when it is read, then it is refused rather than misread
    with pytest.raises(ValueError, match="column 1 is NULL"):
        list(binary_frames([data], 2))


def test_a_later_row_of_another_layout_is_refused():
    # given a NULL in the second row only
    data = stream([row(("q", 1), ("i", 2)), row(("q", 3), ("i", None)), row(("q", 5), ("i", 6))])
    # when it is read, then the whole chunk is refused
    with pytest.raises(ValueError):
        list(binary_frames([data], 2))


@pytest.mark.parametrize("data, message", [
    (b"COPY\n" + b"\0" * 30, "not a binary copy stream"),
    (HEADER + row(("q", 1)) + row(("q", 2))[:5], "trailer"),
    (HEADER, "ended before"),
])
def test_streams_that_are_not_whole_are_refused(data, message):
    # given a stream of another format, one cut in the middle of a row, one with no row or trailer
    # when read, then each is refused with what is wrong
    with pytest.raises(ValueError, match=message):
        list(binary_frames([data], 1))


def test_the_wrong_number_of_columns_is_refused():
    with pytest.raises(ValueError, match="has 2 columns, expected 3"):
        list(binary_frames([stream([row(("q", 1), ("q", 2))])], 3))
