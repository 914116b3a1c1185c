"""Domain errors raised by the rules and services. They know nothing of HTTP; `errors.py`
maps each `code` to a status and a Vietnamese message once."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "domain_error"
    # True when the work done before the error must be kept (e.g. an overdue attempt that the
    # failing request closed); the error handler then commits instead of rolling back.
    persist = False

    def __init__(self, detail: str | None = None, **fields: Any) -> None:
        super().__init__(detail or self.code)
        self.detail = detail
        self.fields = fields


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class ValidationFailed(DomainError):
    """Input is invalid; `fields` maps field names to messages."""

    code = "validation_failed"
