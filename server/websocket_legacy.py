"""The legacy `graphql-ws` protocol held to the same rules as graphql-transport-ws.

strawberry's legacy handler waits for `connection_init` forever and runs every `start`
as a subscription, so a query or mutation fails. Here a socket that has not been
acknowledged within the view's `connection_init_wait_timeout` is closed with 4408, as
the new protocol does, and a `start` runs any operation type.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

CLOSE_INIT_TIMEOUT = 4408


class LegacyGraphQLWSHandler(BaseGraphQLWSHandler[Any, Any]):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schema = _EveryOperation(self.schema)  # type: ignore[assignment]

    async def handle(self) -> None:
        timer = asyncio.create_task(self._close_unless_initialised())
        try:
            await super().handle()
        finally:
            timer.cancel()

    async def _close_unless_initialised(self) -> None:
        await asyncio.sleep(self.view.connection_init_wait_timeout.total_seconds())
        if not self.connection_acknowledged:
            with contextlib.suppress(RuntimeError, OSError):
                await self.websocket.close(CLOSE_INIT_TIMEOUT, "Connection initialisation timeout")


class _EveryOperation:
    """The schema, with the handler's `subscribe` routed to `stream`, which also runs
    queries and mutations (one result each), as graphql-transport-ws does."""

    def __init__(self, schema: Any) -> None:
        self._schema = schema

    def __getattr__(self, name: str) -> Any:
        return getattr(self._schema, name)

    async def subscribe(self, **kwargs: Any) -> Any:
        return await self._schema.stream(**kwargs)
