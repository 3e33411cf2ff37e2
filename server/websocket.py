"""GraphQL over websockets: graphql-transport-ws and the legacy graphql-ws, with auth.

The token comes in the `connection_init` payload (`{"authorization": "Bearer ..."}` or
`{"token": "..."}`) or the upgrade request's Authorization header. A bad token is refused
(close 4403). While a socket is open, a watcher closes it with 4401 as soon as its session
is revoked or signed out, and at the moment it expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta
from typing import Any, cast

import orjson
import structlog
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketState
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from datastore.accounts.service.authenticator import Principal
from datastore.kit import metrics
from datastore.kit.errors import EventsMayBeMissed, TemporarilyUnavailable
from datastore.kit.events import user_channel
from datastore.kit.pubsub import SubscriberOverflow, Subscription
from datastore.kit.request_id import current_request_id
from datastore.people.service import online
from datastore.services import Services
from server.context import Context, authenticate_context, bearer_token, build_context
from server.graphql.errors import OUTAGES
from server.shared_events import EncodedPayloads
from server.websocket_legacy import LegacyGraphQLWSHandler

log = structlog.get_logger("personalpod.websocket")

REVALIDATE_SECONDS = 60
EXPIRY_SLACK = 0.05  # seconds past expiry, so the recheck finds the session expired
WATCH_READY_SECONDS = 5
WATCH_RETRY_SECONDS = 1.0
CLOSE_SESSION_ENDED = 4401


class GraphQLWebSocket(GraphQL):
    graphql_ws_handler_class = LegacyGraphQLWSHandler

    def __init__(
        self, schema: Any, services: Services, *, init_timeout: timedelta = timedelta(seconds=10)
    ) -> None:
        super().__init__(
            schema,
            graphql_ide=None,
            keep_alive=True,
            keep_alive_interval=15,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
            connection_init_wait_timeout=init_timeout,
            max_subscriptions_per_connection=100,
        )
        self.services = services
        self._watchers: dict[int, asyncio.Task[None]] = {}
        self._payloads = EncodedPayloads()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        metrics.WEBSOCKETS_OPENED.inc()
        metrics.WEBSOCKETS.inc()
        try:
            await super().__call__(scope, receive, send)
        finally:
            metrics.WEBSOCKETS.dec()
            watcher = self._watchers.pop(id(scope), None)
            if watcher:
                watcher.cancel()

    def encode_json(self, data: object) -> str:
        # orjson, as over HTTP; text frames, which graphql-ws clients expect. A subscription
        # result shared by many sockets (server/shared_events.py) is encoded once.
        if isinstance(data, dict):
            data = self._payloads.frame(data)
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    async def get_context(self, request: Any, response: Any) -> Context:  # type: ignore[override]
        request_id = current_request_id.get()
        try:
            return await build_context(self.services, request, request_id)
        except TemporarilyUnavailable as error:
            # Refused in on_ws_connect with the code, as a bad token is.
            context = await build_context(self.services, request, request_id, authenticate=False)
            context.auth_error = error
            return context

    async def on_ws_connect(self, context: Context) -> dict[str, object]:  # type: ignore[override]
        params = context.connection_params or {}
        token = _token_from(params)
        if token:
            context.principal, context.auth_error = None, None
            try:
                await authenticate_context(context, token)
            except TemporarilyUnavailable as unavailable:
                context.auth_error = unavailable
        refused = context.auth_error
        if refused is not None:
            raise ConnectionRejectionError({**refused.extensions, "message": refused.message})
        if context.principal is not None:
            # On a websocket the context's connection is the WebSocket itself.
            await self._watch(cast(WebSocket, context.request), context.principal)
        return {"authenticated": context.principal is not None}

    async def _watch(self, websocket: WebSocket, principal: Principal) -> None:
        """Start the socket's watcher; return once it listens, so a revocation right after
        connection_ack is not missed."""
        ready = asyncio.Event()
        task = asyncio.create_task(self._close_when_session_ends(websocket, principal, ready))
        self._watchers[id(websocket.scope)] = task
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(WATCH_READY_SECONDS):
                await ready.wait()

    async def _close_when_session_ends(
        self, websocket: WebSocket, principal: Principal, ready: asyncio.Event
    ) -> None:
        """Live for as long as the socket: the user counts as online (presence is derived
        from live sockets), and the socket is closed when its session ends. Cancelled when
        the socket closes."""
        try:
            async with online(self.services.people, principal.user_id):
                await self._session_ended(principal, ready)
        except asyncio.CancelledError:
            return
        if websocket.application_state != WebSocketState.DISCONNECTED:
            with contextlib.suppress(RuntimeError, OSError):
                await websocket.close(code=CLOSE_SESSION_ENDED, reason="Session ended")
            log.info("websocket_closed_session_ended", session_id=principal.session_id)

    async def _session_ended(self, principal: Principal, ready: asyncio.Event) -> None:
        """Return once the session is revoked (live event) or found gone on a recheck. While
        live delivery is down, or after falling behind, listen again a moment later."""
        broker = self.services.clients.broker
        while True:
            try:
                async with broker.subscribe(user_channel(principal.user_id)) as subscription:
                    ready.set()
                    await self._revoked(subscription, principal)
                    return
            except (TemporarilyUnavailable, SubscriberOverflow):
                ready.set()  # the socket serves queries meanwhile
                await asyncio.sleep(WATCH_RETRY_SECONDS)
            if not await self._still_active(principal):
                return

    async def _still_active(self, principal: Principal) -> bool:
        """Whether the session is still active; assumed so while that cannot be checked."""
        try:
            return await self.services.authenticator.is_active(principal.session_id)
        except OUTAGES:
            return True

    async def _revoked(self, subscription: Subscription, principal: Principal) -> None:
        """Return at the session's revocation event or when a recheck finds it gone."""
        while True:
            try:
                message = await subscription.next(timeout=_until_recheck(principal))
            except SubscriberOverflow:
                raise
            except EventsMayBeMissed:
                # Redis reconnected: a revocation may have been published in the gap.
                message = None
            if message is None:
                if not await self._still_active(principal):
                    return
                continue
            event = orjson.loads(message[1])
            revoked = event["topic"] == "session.revoked"
            if revoked and event["payload"].get("sessionId") == principal.session_id:
                return


def _until_recheck(principal: Principal) -> float:
    """Seconds to the next recheck: at most REVALIDATE_SECONDS, and just after the
    session's expiry, so a socket closes when its session expires, not up to a minute on."""
    return min(REVALIDATE_SECONDS, max(principal.expires_at - time.time(), 0.0) + EXPIRY_SLACK)


def _token_from(params: dict[str, Any]) -> str | None:
    for key in ("authorization", "Authorization"):
        value = params.get(key)
        if isinstance(value, str):
            return bearer_token(value) or value
    value = params.get("token")
    return value if isinstance(value, str) and value else None
