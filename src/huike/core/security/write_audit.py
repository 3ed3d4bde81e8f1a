"""The safety net under R-12.1: a request that wrote to the database but recorded no audit entry gets one.

Services write their entries explicitly (with the before/after diff); this middleware only watches the
SQL a mutating request runs, and when domain tables changed and no service recorded it, appends a
generic entry naming the request and the tables, so no write goes unrecorded.
"""
from __future__ import annotations

import re

from django.db import connection

from huike.audit.services import audit_event

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
AUDIT_TABLES = {"audit_auditentry", "audit_auditchainhead"}
# Bookkeeping of the login machinery itself: sessions, throttling counters, tokens, last_login.
IGNORED_TABLES = {"django_session", "security_usersession", "axes_accessattempt", "axes_accesslog",
                  "axes_accessfailurelog", "authtoken_token"}


class WriteWatcher:
    def __init__(self):
        self.tables: set[str] = set()
        self.audited = False

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE.match(sql) if isinstance(sql, str) else None
        if match:
            table = match.group(1).lower()
            if table in AUDIT_TABLES:
                self.audited = True
            elif table not in IGNORED_TABLES:
                self.tables.add(table)
        return execute(sql, params, many, context)


class UnauditedWriteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        watcher = WriteWatcher()
        with connection.execute_wrapper(watcher):
            response = self.get_response(request)
        if watcher.tables and not watcher.audited and response.status_code < 400:
            self._record(request, watcher.tables)
        return response

    @staticmethod
    def _record(request, tables: set[str]) -> None:
        user = getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
        audit_event(actor=actor, action="write", object_type="request",
                    object_repr=f"{request.method} {request.path}"[:200],
                    changes={"tables": [None, sorted(tables)]})
