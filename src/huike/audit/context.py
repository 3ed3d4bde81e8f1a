"""The current request's id and client address, set by the request-id middleware, read by audit_record.

Context variables rather than thread locals: they follow the request under threads and async alike,
and a background task (no request) simply sees the empty defaults.
"""
from __future__ import annotations

import contextvars
from contextlib import contextmanager

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("huike_request_id", default="")
client_ip: contextvars.ContextVar[str] = contextvars.ContextVar("huike_client_ip", default="")


@contextmanager
def bound(*, rid: str, ip: str = ""):
    tokens = (request_id.set(rid), client_ip.set(ip))
    try:
        yield
    finally:
        request_id.reset(tokens[0])
        client_ip.reset(tokens[1])
