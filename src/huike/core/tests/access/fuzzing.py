"""schemathesis over /api/schema/ as one signed-in user (issue 7: fuzzing). Used by the suite and benchmarks/."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance, ignored_auth, not_a_server_error, response_schema_conformance, status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          ignored_auth]


def load_schema():
    from huike.config.wsgi import application

    with connection_kept():  # fetching the schema is a request too
        return schemathesis.openapi.from_wsgi("/api/schema/", application)


def _owned_records(value: Any):
    """Every JSON object in a response that names a customer owner or a customer."""
    if isinstance(value, dict):
        if "owner" in value or "customer" in value:
            yield value
        for v in value.values():
            yield from _owned_records(v)
    elif isinstance(value, list):
        for v in value:
            yield from _owned_records(v)


def only_own_records(user):
    """A check: every customer or customer record in a response is `user`'s own (R-1.2, for a rep)."""
    from huike.customers.models import Customer

    def check(ctx, response, case):
        if response.status_code >= 300 or "json" not in (response.headers.get("Content-Type") or [""])[0]:
            return None
        own = set(Customer.objects.filter(owner=user).values_list("pk", flat=True))
        for record in _owned_records(response.json()):
            owner, customer = record.get("owner"), record.get("customer")
            if isinstance(owner, int) and "code" in record and owner != user.pk:
                raise AssertionError(f"{case.method} {case.path}: another owner's customer {record.get('id')}")
            if isinstance(customer, int) and customer not in own:
                raise AssertionError(f"{case.method} {case.path}: a record of customer {customer}, not the rep's")
        return None

    return check


@contextmanager
def connection_kept():
    """The WSGI handler closes the database connection after each request (CONN_MAX_AGE 0); inside a test's
    transaction that would drop the PostgreSQL connection under the test. Django's own test client does the
    same: the request signals leave the connection alone while it runs."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def fuzz(schema, token: str, checks: list, max_examples: int) -> list[str]:
    """Every operation with up to `max_examples` generated requests; one line per failing operation."""
    with connection_kept():
        return _fuzz(schema, token, checks, max_examples)


def _fuzz(schema, token: str, checks: list, max_examples: int) -> list[str]:
    headers = {"Authorization": f"Token {token}"}
    problems = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=checks, headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as e:  # noqa: BLE001 - schemathesis' FailureGroup is a BaseExceptionGroup
            problems.extend(f"{operation.method.upper()} {operation.path}: {_describe(f)}"
                            for f in getattr(e, "exceptions", [e]))
    return problems


def _describe(failure) -> str:
    title = getattr(failure, "title", type(failure).__name__)
    message = " ".join(str(getattr(failure, "message", failure)).split())
    return f"{title}: {message[:300]}"
