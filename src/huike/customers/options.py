"""Admin-editable choice lists, read with a short cache (they change rarely, are read on every page)."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.utils.translation import get_language

from .models import Option

_CACHE_KEY = "huike:options:v1"
_pinned: ContextVar[dict | None] = ContextVar("huike_options_pinned", default=None)
_pinned_active: ContextVar[dict | None] = ContextVar("huike_options_pinned_active", default=None)


@contextmanager
def pinned():
    """Read the lists once for the whole block: bulk work (an import validates thousands of rows) would
    otherwise pay a cache round trip per field per row."""
    data = _all()
    token = _pinned.set(data)
    active = _pinned_active.set({kind: _active(rows) for kind, rows in data.items()})
    try:
        yield
    finally:
        _pinned_active.reset(active)
        _pinned.reset(token)


def _all() -> dict[str, list[tuple[str, str, str, bool]]]:
    data = _pinned.get()
    if data is not None:
        return data
    data = cache.get(_CACHE_KEY)
    if data is None:
        data = {}
        for o in Option.objects.order_by("kind", "position", "key"):
            data.setdefault(o.kind, []).append((o.key, o.label_zh, o.label_en, o.active))
        if data:  # an empty table is a moment (a test's flush), never a state worth a minute of cache
            cache.set(_CACHE_KEY, data, 60)
    return data


def invalidate() -> None:
    cache.delete(_CACHE_KEY)


def _active(rows) -> frozenset[str]:
    return frozenset(key for key, _zh, _en, active in rows if active)


def active_keys(kind: str) -> frozenset[str]:
    pinned = _pinned_active.get()
    if pinned is not None:
        return pinned.get(kind, frozenset())
    return _active(_all().get(kind, []))


def choices(kind: str) -> list[tuple[str, str]]:
    english = (get_language() or "zh-hans").startswith("en")
    return [(key, en if english else zh) for key, zh, en, active in _all().get(kind, []) if active]


def label(kind: str, key: str) -> str:
    if not key:
        return ""
    english = (get_language() or "zh-hans").startswith("en")
    for k, zh, en, _active in _all().get(kind, []):
        if k == key:
            return en if english else zh
    return key
