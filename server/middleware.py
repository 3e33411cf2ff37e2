"""Pure ASGI middleware: a request id for every request and websocket, and an access log.

The access line of a request says which operation it ran and for whom (`operation`,
`user_id`: `note_operation` fills them in from the GraphQL layer); a websocket's line, at
its close, says whose it was and how many operations it ran. Never a token or a variable.
"""

from __future__ import annotations

import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from datastore.kit.request_id import current_request_id

log = structlog.get_logger("personalpod.access")

_CLIENT_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# What the GraphQL layer learnt about the request, for its access line.
_access_fields: ContextVar[dict[str, Any] | None] = ContextVar("access_fields", default=None)


def note_operation(operation: str, user_id: object | None) -> None:
    """Record an operation the current request or websocket ran, and for whom."""
    fields = _access_fields.get()
    if fields is None:
        return
    fields["operation"] = operation
    fields["operations"] = fields.get("operations", 0) + 1
    if user_id is not None:
        fields["user_id"] = str(user_id)


class RequestIdMiddleware:
    """Take a well-formed `X-Request-Id` from the client or make one; echo it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = current_request_id.set(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        fields: dict[str, Any] = {}
        fields_token = _access_fields.set(fields)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] in ("http.response.start", "websocket.accept"):
                status = message.get("status", 101)
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                fields.pop("operations", None)
            else:
                fields.pop("operation", None)  # a websocket runs many: say how many
            log.info(
                "request",
                method=scope.get("method", "WS"),
                path=scope["path"],
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 2),
                **fields,
            )
            structlog.contextvars.unbind_contextvars("request_id")
            _access_fields.reset(fields_token)
            current_request_id.reset(token)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _CLIENT_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


class GraphQLLane:
    """HTTP requests to /graphql go straight to the GraphQL endpoint, past Starlette's
    exception middleware and router: the endpoint answers every method and error itself,
    so those layers (four coroutines and a send wrapper per request) did nothing for it
    but cost. Everything else, websockets included, goes on through them."""

    def __init__(self, app: ASGIApp, graphql: ASGIApp, path: str) -> None:
        self.app = app
        self.graphql = graphql
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Behind a proxy's root path the router's own matching decides.
        if scope["type"] == "http" and scope["path"] == self.path and not scope.get("root_path"):
            await self.graphql(scope, receive, send)
        else:
            await self.app(scope, receive, send)
