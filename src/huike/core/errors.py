"""Error types raised by services; the API and the pages translate them (one shape)."""
from __future__ import annotations


class DomainError(Exception):
    """Base for errors a user can act on."""


class FieldErrors(DomainError):
    """Input that names fields: {field: [message, ...]}; nothing was written."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = {k: [str(m) for m in v] for k, v in errors.items()}

    @classmethod
    def single(cls, field: str, message: str) -> "FieldErrors":
        return cls({field: [message]})


class DuplicateCustomer(DomainError):
    """A customer with the same phone, email or credit code exists."""

    def __init__(self, message: str, duplicates: list[int], fields: list[str]):
        super().__init__(message)
        self.message = str(message)
        self.duplicates = duplicates
        self.fields = fields


class Forbidden(DomainError):
    """The user may see the record but may not do this to it (HTTP 403)."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = str(message)


class NotFound(DomainError):
    """The record does not exist or is outside the user's scope (HTTP 404)."""


class StaleVersion(DomainError):
    """The record changed since the client read it (R-12.4): nothing was written; `version` is the current one."""

    def __init__(self, message: str, version: int):
        super().__init__(message)
        self.message = str(message)
        self.version = version
