"""Runs one role through every route × method × ownership of the matrix and reports each mismatch."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from django.db import transaction
from django.test import Client
from django.urls import reverse

from huike.core.api_testing import db_fingerprint

from .routes import Route

ROLES = ("rep", "manager", "admin", "anon", "gone")
OWNERSHIPS = ("own", "team", "other")
REFUSED = {400, 401, 403, 404, 405}
Expected = int | tuple[int, int, int]


@dataclass(frozen=True)
class Expect:
    """Expected status per role; a tuple is (own, team, other) for routes that name a record."""

    rep: Expected
    manager: Expected
    admin: Expected
    anon: Expected | None = None  # None: 401 on the API, 302 to the login page on pages
    gone: Expected | None = None  # a deactivated user is treated exactly like an anonymous one

    def status(self, role: str, whose: str | None, is_api: bool) -> int:
        value = getattr(self, role)
        if value is None:
            value = self.anon if role == "gone" and self.anon is not None else (401 if is_api else 302)
        if isinstance(value, tuple):
            return value[OWNERSHIPS.index(whose)] if whose else value[0]
        return value


@dataclass(frozen=True)
class Entry:
    target: str | None = None  # which record the URL's pk names (see `targets`)
    kwargs: dict[str, Any] = field(default_factory=dict)  # other URL arguments, e.g. a report's name
    query: str = ""
    methods: dict[str, Expect] = field(default_factory=dict)
    bodies: dict[str, Callable] = field(default_factory=dict)  # method → f(world, record, actor) → body


def route(target=None, *, kwargs=None, query="", bodies=None, **methods) -> Entry:
    return Entry(target, kwargs or {}, query, methods, bodies or {})


class _Rollback(Exception):
    pass


def owner_for(world, role: str, whose: str):
    """Whose record `whose` means for the acting role (see the world fixture)."""
    org = world.org
    own = {"rep": org.ra1, "manager": org.ma, "admin": org.admin, "anon": org.ra1, "gone": world.gone}[role]
    return {"own": own, "team": org.ra2 if role in ("rep", "anon") else org.ra1, "other": org.rb1}[whose]


def actor_for(world, role: str):
    return {"rep": world.org.ra1, "manager": world.org.ma, "admin": world.org.admin, "gone": world.gone}.get(role)


def client_for_role(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    user = actor_for(world, role)
    if user is not None:
        client.force_login(user)  # `gone` was deactivated after its records were made: its session is stale
    return client


def _target(world, entry: Entry, role: str, whose: str | None, targets: dict[str, Callable]):
    if entry.target is None:
        return None
    finder = targets[entry.target]
    return finder(world, owner_for(world, role, whose or "own"))


def _send(client: Client, route: Route, method: str, path: str, body: dict | None):
    if route.is_api:
        payload = json.dumps(body) if body is not None else None
        return client.generic(method, path, payload or "", content_type="application/json")
    if method == "GET":
        return client.get(path)
    return client.generic(method, path, _form(body or {}), content_type="application/x-www-form-urlencoded")


def _form(body: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(body, doseq=True)


def check_role(world, role: str, routes: list[Route], matrix: dict[str, Entry], targets, caplog) -> list[str]:
    """Every mismatch as one readable line; refused requests must also leave every table as it was."""
    client = client_for_role(world, role)
    baseline = db_fingerprint()
    problems = []
    for r in routes:
        entry = matrix[r.name]
        for method, expect in entry.methods.items():
            for whose in (OWNERSHIPS if r.record_param else (None,)):
                record = _target(world, entry, role, whose, targets)
                kwargs = dict(entry.kwargs, **({r.record_param: record.pk} if record is not None else {}))
                path = reverse(r.name, kwargs=kwargs or None) + (f"?{entry.query}" if entry.query else "")
                body_fn = entry.bodies.get(method)
                body = body_fn(world, record, actor_for(world, role)) if body_fn else None
                want = expect.status(role, whose, r.is_api)
                label = f"{method} {r.name} as {role}" + (f" on {whose} record" if whose else "")
                problems.extend(_one(client, r, method, path, body, want, label, baseline, caplog))
    return problems


def _one(client, r, method, path, body, want, label, baseline, caplog) -> list[str]:
    out = []
    caplog.clear()
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)  # logout and login rotate the session: the next request keeps it
    try:
        with transaction.atomic():
            got = _send(client, r, method, path, body).status_code
            if got != want:
                out.append(f"{label}: expected {want}, got {got}")
            if got in REFUSED:
                if db_fingerprint() != baseline:
                    out.append(f"{label}: refused with {got} but the database changed")
                if not any(rec.name == "django.request" for rec in caplog.records):
                    out.append(f"{label}: refused with {got} but the refusal was not logged")
            raise _Rollback
    except _Rollback:
        pass
    client.cookies = cookies
    return out
