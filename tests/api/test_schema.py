"""The OpenAPI schema generates without warnings and documents every API route and method."""
from __future__ import annotations

import io

import yaml
from django.core.management import call_command
from django.urls import reverse

from huike.core.api_testing import api_routes, client_for


def _schema_path(name: str) -> str:
    try:
        return reverse(f"api:{name}")
    except Exception:  # a detail route: its id is a path parameter
        return reverse(f"api:{name}", kwargs={"pk": 0}).replace("/0/", "/{id}/")


def test_the_schema_generates_without_warnings_and_validates(db):
    # when the schema is generated strictly (warnings are errors) and validated against OpenAPI 3
    out = io.StringIO()
    call_command("spectacular", "--fail-on-warn", "--validate", stdout=out, stderr=io.StringIO())
    schema = yaml.safe_load(out.getvalue())
    # then every route and method of the API is in it
    missing = [(name, method) for name, method in api_routes()
               if method.lower() not in schema["paths"].get(_schema_path(name), {})]
    assert missing == []
    # and error responses are documented where they can happen
    assert set(schema["paths"]["/api/v1/customers/"]["post"]["responses"]) == {"201", "400", "403", "409"}
    assert set(schema["paths"]["/api/v1/orders/{id}/"]["delete"]["responses"]) == {"204", "403", "404"}


def test_schema_and_docs_are_served(db):
    schema = client_for().get("/api/schema/")
    docs = client_for().get("/api/docs/")
    assert schema.status_code == 200
    assert b"/api/v1/customers/{id}/history/" in schema.content
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
