"""The hash chain over audit entries: canonical content, the link hash, and verification.

hash = sha256(prev_hash + "\n" + canonical JSON of the entry's recorded fields). The id is left out
so an entry is written with one INSERT; order comes from the chain itself (each row names the hash
of the row before it), and the chain head row names the newest hash, so a row changed, deleted or
inserted out of band breaks a link that `huike audit verify` reports.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

GENESIS = ""


def canonical(entry) -> str:
    at = entry.at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content: dict[str, Any] = {
        "at": at,
        "actor": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "customer_id": entry.customer_id,
        "changes": entry.changes,
        "request_id": entry.request_id,
        "ip": entry.ip,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def link_hash(prev_hash: str, entry) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(entry)}".encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    entry_id: int | None
    reason: str


def verify(entries: Iterable, *, head_id: int, head_hash: str) -> Break | None:
    """The first bad link in entries (ascending id), or None when the whole chain holds."""
    prev_hash, last_id = GENESIS, 0
    for entry in entries:
        if entry.prev_hash != prev_hash:
            return Break(entry.id, "previous-hash mismatch: an entry before it was changed, deleted or inserted")
        if entry.hash != link_hash(entry.prev_hash, entry):
            return Break(entry.id, "content hash mismatch: the entry was changed")
        prev_hash, last_id = entry.hash, entry.id
    if (last_id, prev_hash) != (head_id, head_hash):
        return Break(last_id or None, "the chain head does not match the newest entry: entries were deleted or added")
    return None
