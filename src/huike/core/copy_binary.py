"""Rows for PostgreSQL's binary COPY, built from numpy columns without a Python object per value.

The format (PostgreSQL's documentation, "COPY … Binary Format"): a header, then per row a 16-bit column count
and, per column, a 32-bit length (-1 for NULL) followed by that many bytes; then a 16-bit -1. Every row of
one *shape* (which columns are NULL, which text each text column holds) has the same layout, so the rows of
a shape are one numpy record array written out at once. A batch of rows has a few dozen shapes at most
(codes are a handful of fixed texts), so the per-shape work is small against the per-row work it replaces.

The rows go out grouped by shape, not in the order given: COPY appends them in any order.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
_PG_EPOCH = dt.date(2000, 1, 1).toordinal()  # binary dates count days from 2000-01-01
_PG_EPOCH_MICROSECONDS = 946_684_800_000_000  # and timestamps microseconds from its midnight, UTC
_FORMATS = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "bool": "u1", "date": ">i4", "timestamptz": ">i8"}


@dataclass
class Column:
    """One column's values for a batch of rows.

    kind: int2 | int4 | int8 | bool | date (values: day ordinals, date.toordinal()) | timestamptz (values:
    microseconds since 1970-01-01 UTC) | text (values: indexes into `texts`). `null`: True where the value is
    NULL (None: never)."""

    values: np.ndarray
    kind: str
    null: np.ndarray | None = None
    texts: tuple[str, ...] = ()

    def __post_init__(self):
        if self.kind != "text" and self.kind not in _FORMATS:
            raise ValueError(f"unknown binary copy column kind: {self.kind}")
        if self.kind == "text" and not self.texts:
            raise ValueError("a text column needs its texts")
        self.encoded = [t.encode() for t in self.texts]

    def check(self) -> None:
        """A value outside the column's type is refused, not wrapped around."""
        values = self.values if self.null is None else self.values[~self.null]
        if not len(values):
            return
        if self.kind == "text":
            low, high = 0, len(self.texts) - 1
        elif self.kind == "date":
            low, high = 1, dt.date.max.toordinal()
        else:
            info = np.iinfo(np.dtype(_FORMATS[self.kind]))
            low, high = (0, 1) if self.kind == "bool" else (info.min, info.max)
        if values.min() < low or values.max() > high:
            raise ValueError(f"a {self.kind} column holds a value outside {low}..{high}")

    def variants(self) -> int:
        """How many layouts the column can take: NULL or not; for text, NULL or one per text."""
        return 1 + (len(self.texts) if self.kind == "text" else 1)

    def variant(self) -> np.ndarray:
        """Per row: 0 for NULL, else 1 (+ the text's index for a text column)."""
        v = self.values.astype(np.int64) + 1 if self.kind == "text" else np.ones(len(self.values), dtype=np.int64)
        if self.null is not None:
            v = np.where(self.null, 0, v)
        return v


def rows(columns: list[Column]) -> bytes:
    """The rows' bytes (no header, no trailer): each shape's rows as one record array."""
    n = len(columns[0].values)
    if any(len(c.values) != n for c in columns):
        raise ValueError("binary copy columns differ in length")
    if not n:
        return b""
    for c in columns:
        c.check()
    key = np.zeros(n, dtype=np.int64)
    for c in columns:
        key = key * c.variants() + c.variant()
    shapes, at = np.unique(key, return_inverse=True)
    order = np.argsort(at, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(at, minlength=len(shapes)))])
    out = []
    for s, shape_key in enumerate(shapes.tolist()):
        picked = order[bounds[s]:bounds[s + 1]]
        out.append(_shape_rows(columns, _unpack(shape_key, columns), picked))
    return b"".join(out)


def stream(columns: list[Column]) -> bytes:
    """A whole COPY … FROM STDIN (FORMAT binary) input: header, rows, trailer."""
    return HEADER + rows(columns) + TRAILER


def _unpack(key: int, columns: list[Column]) -> list[int]:
    variants = []
    for c in reversed(columns):
        key, v = divmod(key, c.variants())
        variants.append(v)
    return variants[::-1]


def _shape_rows(columns: list[Column], variants: list[int], picked: np.ndarray) -> bytes:
    fields = [("n", ">i2")]
    for i, (c, v) in enumerate(zip(columns, variants)):
        fields.append((f"l{i}", ">i4"))
        if v and not (c.kind == "text" and not c.encoded[v - 1]):  # an empty text is its length alone
            fields.append((f"v{i}", f"S{len(c.encoded[v - 1])}" if c.kind == "text" else _FORMATS[c.kind]))
    rec = np.empty(len(picked), dtype=np.dtype(fields))
    rec["n"] = len(columns)
    for i, (c, v) in enumerate(zip(columns, variants)):
        if not v:
            rec[f"l{i}"] = -1
        elif c.kind == "text":
            text = c.encoded[v - 1]
            rec[f"l{i}"] = len(text)
            if text:
                rec[f"v{i}"] = text
        else:
            rec[f"l{i}"] = rec.dtype[f"v{i}"].itemsize
            values = c.values[picked]
            rec[f"v{i}"] = (values - _PG_EPOCH if c.kind == "date" else
                            values - _PG_EPOCH_MICROSECONDS if c.kind == "timestamptz" else values)
    return rec.tobytes()
