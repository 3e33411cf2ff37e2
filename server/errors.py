"""Domain errors and the one place they become GraphQL errors.

Resolvers and repositories raise `DomainError` subclasses; `format_error` turns any
GraphQLError into the wire shape with `extensions.code`. Anything unexpected is masked to
INTERNAL with the request id, and logged with its traceback.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import structlog
from graphql import GraphQLError

log = structlog.get_logger("personalpod.errors")


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL = "INTERNAL"


class DomainError(Exception):
    """An expected failure the client can act on."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class BadUserInput(DomainError):
    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, *, field: str | None = None, **extensions: Any) -> None:
        if field is not None:
            extensions["field"] = field
        super().__init__(message, **extensions)


class Unauthenticated(DomainError):
    code = ErrorCode.UNAUTHENTICATED

    def __init__(self, message: str = "Sign in to do this.", **extensions: Any) -> None:
        super().__init__(message, **extensions)


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class Conflict(DomainError):
    code = ErrorCode.CONFLICT


class RateLimited(DomainError):
    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int, **extensions: Any) -> None:
        super().__init__(message, retryAfter=retry_after, **extensions)
        self.retry_after = retry_after


INTERNAL_MESSAGE = "Internal server error."


def format_error(error: GraphQLError, *, request_id: str | None) -> dict[str, Any]:
    """The JSON shape of one GraphQL error, masking anything unexpected."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        # Parse, validation and coercion errors: the client sent something wrong.
        formatted = error.formatted
        extensions = dict(formatted.get("extensions") or {})
        extensions.setdefault("code", ErrorCode.BAD_USER_INPUT.value)
        formatted["extensions"] = extensions
        return formatted
    if isinstance(original, DomainError):
        formatted = error.formatted
        formatted["message"] = original.message
        formatted["extensions"] = {"code": original.code.value, **original.extensions}
        return formatted
    log.error(
        "unexpected_error",
        request_id=request_id,
        path=error.path,
        exc_info=(type(original), original, original.__traceback__),
    )
    masked: dict[str, Any] = {
        "message": INTERNAL_MESSAGE,
        "extensions": {"code": ErrorCode.INTERNAL.value, "requestId": request_id},
    }
    shape = error.formatted
    for key in ("locations", "path"):
        if shape.get(key) is not None:
            masked[key] = shape[key]
    return masked
