"""Duplicate scan (R-2.3): groups of customers in one user's scope that are probably the same company.

Exact keys (phone, email, credit code, normalised name) are grouped by the database; the sound of the
name (pinyin) by one pass over (id, name key); near names by comparing only within a shared prefix.
"""
from __future__ import annotations

from collections import defaultdict
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from huike.accounts import policies
from huike.accounts.models import User
from huike.customers.domain.names import normalize_company_name
from huike.customers.models import Customer

from .models import DuplicateScan, JobStatus

# How sure a group is, by what its members share.
SCORES = {"credit_code": 1.0, "phone": 1.0, "email": 0.98, "name": 0.95, "pinyin": 0.85}
NEAR_NAME_MIN = 0.8
BLOCK_MAX = 200  # a prefix shared by more names than this is too generic to say anything


@lru_cache(maxsize=65536)
def pinyin_key(name_key: str) -> str:
    """The sound of a normalised name: 华为 and 化为 sound alike; letters and digits stay as they are."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name_key, style=Style.NORMAL, errors="default")).lower()


def name_key(name: str) -> str:
    return normalize_company_name(name)


def _exact_groups(qs, field: str) -> list[dict]:
    values = (qs.exclude(**{field: ""}).values(field).annotate(n=Count("id")).filter(n__gt=1)
              .values_list(field, flat=True))
    keys = list(values)
    members: dict[str, list[int]] = defaultdict(list)
    for pk, value in qs.filter(**{f"{field}__in": keys}).order_by("id").values_list("id", field):
        members[value].append(pk)
    reason = "name" if field == "name_key" else field
    return [{"reason": reason, "key": k, "ids": ids, "score": SCORES[reason]} for k, ids in members.items()]


def _sound_and_near_groups(pairs: Iterable[tuple[int, str]]) -> list[dict]:
    by_sound: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_prefix: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, key in pairs:
        if len(key) < 2:
            continue
        by_sound[pinyin_key(key)].append((pk, key))
        by_prefix[key[:2]].append((pk, key))
    groups = []
    for sound, members in by_sound.items():
        if len({k for _pk, k in members}) > 1:  # same sound, different writing
            groups.append({"reason": "pinyin", "key": sound, "ids": sorted(pk for pk, _k in members),
                           "score": SCORES["pinyin"]})
    for prefix, members in by_prefix.items():
        if 1 < len(members) <= BLOCK_MAX:
            groups.extend(_near_names(members))
    return groups


def _near_names(members: list[tuple[int, str]]) -> list[dict]:
    """Pairs of different names within one prefix block that are close; joined into groups."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    best: dict[int, float] = {}
    for i, (a, ka) in enumerate(members):
        for b, kb in members[i + 1:]:
            if ka == kb:
                continue
            score = SequenceMatcher(None, ka, kb).ratio()
            if score >= NEAR_NAME_MIN:
                ra, rb = find(a), find(b)
                parent[rb] = ra
                best[ra] = max(best.get(ra, 0), best.pop(rb, 0), score)
    clusters: dict[int, list[int]] = defaultdict(list)
    for pk in {pk for pair in parent.items() for pk in pair}:
        clusters[find(pk)].append(pk)
    return [{"reason": "similar", "key": "", "ids": sorted(ids), "score": round(best.get(root, NEAR_NAME_MIN), 2)}
            for root, ids in clusters.items() if len(ids) > 1]


def find_groups(user: User) -> tuple[int, list[dict]]:
    """(customers scanned, groups best first); a set of customers appears once, under its best reason."""
    qs = policies.scoped(user, Customer.objects.all())
    scanned = qs.count()
    groups = []
    for field in ("credit_code", "phone", "email", "name_key"):
        groups += _exact_groups(qs, field)
    groups += _sound_and_near_groups(qs.order_by("id").values_list("id", "name_key").iterator(chunk_size=5000))
    seen: dict[tuple, dict] = {}
    for g in sorted(groups, key=lambda g: -g["score"]):
        seen.setdefault(tuple(g["ids"]), g)
    return scanned, sorted(seen.values(), key=lambda g: (-g["score"], g["ids"]))


def scan_max_inline() -> int:
    return int(getattr(settings, "HUIKE_DUPLICATE_SCAN_INLINE_MAX", 5000))


@transaction.atomic
def scan_start(*, actor: User) -> DuplicateScan:
    """Scan now when the scope is small; otherwise queue the scan for the worker."""
    policies.require_merge(actor)
    scan = DuplicateScan.objects.create(user=actor)
    if policies.scoped(actor, Customer.objects.all()).count() <= scan_max_inline():
        return scan_run(scan.pk)
    from .tasks import scan_task

    transaction.on_commit(lambda: scan_task(scan.pk))
    return scan


def scan_run(scan_id: int) -> DuplicateScan | None:
    scan = DuplicateScan.objects.select_related("user").filter(pk=scan_id).first()
    if scan is None or scan.status == JobStatus.DONE:
        return scan
    DuplicateScan.objects.filter(pk=scan.pk).update(status=JobStatus.RUNNING)
    try:
        scanned, groups = find_groups(scan.user)
    except Exception as exc:
        DuplicateScan.objects.filter(pk=scan.pk).update(status=JobStatus.FAILED, error=str(exc)[:2000])
        raise
    DuplicateScan.objects.filter(pk=scan.pk).update(status=JobStatus.DONE, scanned=scanned, groups=groups,
                                                    finished_at=timezone.now())
    return DuplicateScan.objects.get(pk=scan.pk)


def latest_scan(user: User) -> DuplicateScan | None:
    return DuplicateScan.objects.filter(user=user).first()


def live_groups(user: User, scan: DuplicateScan) -> list[dict]:
    """The scan's groups with their customers as they are now (merged-away or out-of-scope ones drop out)."""
    ids = {pk for g in scan.groups for pk in g["ids"]}
    customers = policies.scoped(user, Customer.objects.filter(pk__in=ids)).select_related("owner").in_bulk()
    out = []
    for g in scan.groups:
        members = [customers[pk] for pk in g["ids"] if pk in customers]
        if len(members) > 1:
            out.append({**g, "customers": members})
    return out

