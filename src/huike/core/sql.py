"""SQL pieces shared by the bulk writers."""
from __future__ import annotations

import json
from collections.abc import Iterable


def ids_among(vendor: str) -> str:
    """`IN` a list of integer ids passed as ONE parameter (ids_param): one statement text for any number of
    ids, prepared once (a driver's statement cache holding one text per batch would grow large).

    PostgreSQL: `= ANY` of a bigint[] (the ids' type). With a smallint[] or integer[] array it cannot hash the
    list and compares every row it reads with every id; a table grown from empty by the import (statistics
    still saying "tiny") is read whole, so a batch cost rows × ids. SQLite: the ids of a JSON array."""
    return "= ANY(%s::bigint[])" if vendor == "postgresql" else "IN (SELECT value FROM json_each(%s))"


def ids_param(vendor: str, ids: Iterable[int]) -> str:
    """The parameter of ids_among: PostgreSQL's array as its text (one string for the driver to quote, not
    thousands of ids dumped one by one), SQLite's JSON array."""
    if vendor == "postgresql":
        return "{" + ",".join(str(int(i)) for i in ids) + "}"
    return json.dumps([int(i) for i in ids])
