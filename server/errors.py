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


INTERNAL_MESSAGE = "Internal server error."


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
        # graphql-core copies an original error's `extensions` onto the GraphQLError, so
        # the code reaches the client on HTTP and websockets alike.
        self.extensions = {"code": self.code.value, **extensions}


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


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors that are bugs or outages, which clients must not see in detail."""
    original = error.original_error
    return original is not None and not isinstance(original, (DomainError, GraphQLError))


def masked_error(error: GraphQLError, *, request_id: str | None) -> GraphQLError:
    """Log an unexpected error with its traceback and return the INTERNAL error shown."""
    original = error.original_error
    log.error(
        "unexpected_error",
        request_id=request_id,
        path=error.path,
        exc_info=(type(original), original, original.__traceback__) if original else None,
    )
    return GraphQLError(
        INTERNAL_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": ErrorCode.INTERNAL.value, "requestId": request_id},
    )


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
        formatted["extensions"] = dict(original.extensions)
        return formatted
    return masked_error(error, request_id=request_id).formatted
