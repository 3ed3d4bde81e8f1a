"""Model fields shared by the apps."""
from __future__ import annotations

from django.db import models


class PlainJSONField(models.JSONField):
    """A JSON document kept as written: PostgreSQL's `json` (its text, checked on the way in) instead of
    `jsonb` (parsed into a binary form with its keys sorted). For documents written in bulk and read whole,
    never searched inside: a classification run writes a million evidence documents, and `jsonb` took twice
    the time of `json` to take them in (ADR 0025). SQLite stores JSON as text either way.

    No model uses it since the evidence became typed columns (ADR 0028); classification migrations 0006 to
    0009 still create their column with it."""

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        if connection.vendor == "postgresql":
            return value  # psycopg parses `json` itself (Django has it hand over `jsonb` as text)
        return super().from_db_value(value, expression, connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return super().get_db_prep_value(value, connection, prepared)
        from django.db.backends.postgresql.operations import get_json_dumps
        from psycopg.types.json import Json

        if not prepared:
            value = self.get_prep_value(value)
        return Json(value, dumps=get_json_dumps(self.encoder))
