"""Helpers for the API tests: clients per user, the routes of the API, a fingerprint of the database."""
from __future__ import annotations

from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, reverse
from rest_framework.test import APIClient

API_URLCONF = "huike.config.api_urls"
SKIPPED_METHODS = {"head", "options"}


def client_for(user=None, language: str = "en") -> APIClient:
    """A client speaking `language` (API clients keep content negotiation), signed in as `user`."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_authenticate(user)
    return client


def url(name: str, pk=None, **query) -> str:
    path = reverse(f"api:{name}", kwargs={"pk": pk} if pk is not None else None)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def _methods(callback) -> list[str]:
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    allowed = set(getattr(cls, "http_method_names", [])) - SKIPPED_METHODS
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a viewset route: the router bound these methods
        return sorted(m.upper() for m in actions if m in allowed)
    return sorted(m.upper() for m in allowed if hasattr(cls, m))


def _walk(patterns):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns)
        elif isinstance(p, URLPattern):
            yield p


def api_routes() -> list[tuple[str, str]]:
    """Every (route name, HTTP method) the API answers, read from the URL resolver."""
    import importlib

    module = importlib.import_module(API_URLCONF)
    out = []
    for pattern in _walk(module.urlpatterns):
        assert pattern.name, f"an API route without a name: {pattern.pattern}"
        out.extend((pattern.name, method) for method in _methods(pattern.callback))
    return sorted(set(out))


def db_fingerprint() -> dict[str, list[tuple]]:
    """Every row of every project table (and API tokens), for "nothing changed" assertions (raw rows: fast)."""
    from django.apps import apps
    from django.db import connection

    state = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            label = model._meta.app_config.name
            if not (label.startswith("huike.") or label == "rest_framework.authtoken") or model._meta.proxy:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 - table names from the models
            state[model._meta.db_table] = cursor.fetchall()
    return state


def customer_world(org) -> SimpleNamespace:
    """One customer per user of the org, each with an order, a contract, a follow-up and a complaint."""
    from huike.testing.factories import make_complaint, make_contract, make_customer, make_followup, make_order

    records = {}
    for user in (org.ra1, org.ra2, org.rb1, org.ma, org.mb, org.admin):
        customer = make_customer(user)
        records[user.username] = SimpleNamespace(
            customer=customer,
            order=make_order(customer, user),
            contract=make_contract(customer, user),
            followup=make_followup(customer, user),
            complaint=make_complaint(customer, user),
        )
    return SimpleNamespace(org=org, records=records)


def list_queries(client, path: str) -> int:
    """The number of SQL queries one list request takes (the response must be 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)
