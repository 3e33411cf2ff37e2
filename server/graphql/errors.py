"""The one place errors become GraphQL errors: codes for domain errors, INTERNAL for bugs.

`format_error` turns any GraphQLError into the wire shape with `extensions.code`. Anything
unexpected is masked to INTERNAL with the request id, and logged with its traceback; an
outage of Redis (down, restarting, pool exhausted) becomes the retryable SERVICE_UNAVAILABLE.
"""

from __future__ import annotations

from typing import Any

import redis.exceptions
import structlog
from graphql import GraphQLError

from datastore.kit.errors import DomainError, ErrorCode, TemporarilyUnavailable

log = structlog.get_logger("personalpod.errors")

INTERNAL_MESSAGE = "Internal server error."
# MaxConnectionsError and the blocking pool's "No connection available." are ConnectionErrors.
OUTAGES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
RETRY_AFTER_SECONDS = 1


def service_unavailable() -> TemporarilyUnavailable:
    """The retryable error every outage becomes."""
    return TemporarilyUnavailable(retry_after=RETRY_AFTER_SECONDS)


def unavailable_error(error: BaseException) -> TemporarilyUnavailable | None:
    """The retryable error an outage of a backing service maps to, or None if it is none."""
    if isinstance(error, TemporarilyUnavailable):
        return error
    if isinstance(error, OUTAGES):
        return service_unavailable()
    return None


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors that are bugs or outages, which clients must not see in detail."""
    original = error.original_error
    return original is not None and not isinstance(original, (DomainError, GraphQLError))


def masked_error(error: GraphQLError, *, request_id: str | None) -> GraphQLError:
    """Log an unexpected error with its traceback and return the INTERNAL error shown
    (SERVICE_UNAVAILABLE for an outage, logged without a traceback)."""
    original = error.original_error
    unavailable = unavailable_error(original) if original is not None else None
    if unavailable is not None:
        log.warning(
            "service_unavailable", request_id=request_id, path=error.path, error=str(original)
        )
        return GraphQLError(
            unavailable.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=unavailable.extensions,
        )
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


def client_error(error: GraphQLError) -> GraphQLError:
    """An expected error with its `extensions.code` set, as `format_error` shows it; the
    websocket transports send `error.formatted` as it is."""
    if (error.extensions or {}).get("code") is None:
        error.extensions = {**(error.extensions or {}), "code": ErrorCode.BAD_USER_INPUT.value}
    return error


_CODES = frozenset(code.value for code in ErrorCode)


def error_code(error: GraphQLError) -> str:
    """The `extensions.code` the client sees for `error`, masked or not (one of ErrorCode)."""
    original = error.original_error
    if isinstance(original, DomainError):
        return original.code.value
    if original is not None and not isinstance(original, GraphQLError):
        unavailable = unavailable_error(original)
        return unavailable.code.value if unavailable else ErrorCode.INTERNAL.value
    code = (error.extensions or {}).get("code")
    return code if code in _CODES else ErrorCode.BAD_USER_INPUT.value


def format_error(error: GraphQLError, *, request_id: str | None) -> dict[str, Any]:
    """The JSON shape of one GraphQL error, masking anything unexpected."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        # Parse, validation and coercion errors: the client sent something wrong.
        formatted: dict[str, Any] = dict(error.formatted)
        extensions = dict(formatted.get("extensions") or {})
        extensions.setdefault("code", ErrorCode.BAD_USER_INPUT.value)
        formatted["extensions"] = extensions
        return formatted
    if isinstance(original, DomainError):
        formatted = dict(error.formatted)
        formatted["message"] = original.message
        formatted["extensions"] = dict(original.extensions)
        return formatted
    return dict(masked_error(error, request_id=request_id).formatted)
