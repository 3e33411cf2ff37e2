"""Domain errors: expected failures with a code the client can act on.

Services and repositories raise `DomainError` subclasses; `server.graphql.errors` turns
them into GraphQL errors with `extensions.code` in one place.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    # Retryable: a backing service (Redis) is down or saturated; try again after retryAfter.
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    # A subscription ended because live delivery had a gap: resubscribe, then catch up with
    # a cursor query (messages after, changes since).
    EVENTS_MAY_BE_MISSED = "EVENTS_MAY_BE_MISSED"
    # Apollo's persisted queries: send the query with its hash (NOT_FOUND), send the query
    # without a hash (NOT_SUPPORTED), or this server runs only its allow-list (NOT_ALLOWED).
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    PERSISTED_QUERY_NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"
    # A secret tag's vault is not open on this device session: unlock it, then retry.
    VAULT_LOCKED = "VAULT_LOCKED"
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


class VaultLocked(DomainError):
    code = ErrorCode.VAULT_LOCKED

    def __init__(
        self,
        message: str = "This secret tag is locked on this device: unlock it with its phrase.",
        **extensions: Any,
    ) -> None:
        super().__init__(message, **extensions)


class RetryLater(DomainError):
    """A refusal that passes: the client may try again after `retryAfter` seconds."""

    def __init__(self, message: str, *, retry_after: int, **extensions: Any) -> None:
        super().__init__(message, retryAfter=retry_after, **extensions)
        self.retry_after = retry_after


class RateLimited(RetryLater):
    code = ErrorCode.RATE_LIMITED


class TemporarilyUnavailable(RetryLater):
    """A backing service is down or saturated for now."""

    code = ErrorCode.SERVICE_UNAVAILABLE

    def __init__(
        self,
        message: str = "The service is busy or restarting: try again shortly.",
        *,
        retry_after: int = 1,
        **extensions: Any,
    ) -> None:
        super().__init__(message, retry_after=retry_after, **extensions)


class EventsMayBeMissed(DomainError):
    """Live delivery had a gap (Redis reconnected, or the subscriber fell behind)."""

    code = ErrorCode.EVENTS_MAY_BE_MISSED

    def __init__(
        self,
        message: str = "Live events may have been missed: subscribe again, then catch up "
        "with a cursor query.",
        **extensions: Any,
    ) -> None:
        super().__init__(message, **extensions)
