"""Websocket GraphQL clients speaking raw protocol frames, as a browser client would."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


class WebSocketClient:
    def __init__(self, url: str, protocol: str = TRANSPORT_WS) -> None:
        self.url = url
        self.protocol = protocol
        self.socket: Any = None

    async def __aenter__(self) -> WebSocketClient:
        self.socket = await websockets.connect(self.url, subprotocols=[self.protocol])
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.socket.close()

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self, timeout: float = 5) -> dict[str, Any]:
        """The next frame other than keep-alives."""
        while True:
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel that
            # arrives with a frame, and a cancelled reader then never ends.
            async with asyncio.timeout(timeout):
                raw = await self.socket.recv()
            message = json.loads(raw)
            if message.get("type") not in ("ka", "ping", "pong"):
                return message

    async def init(self, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self.receive()

    async def subscribe(
        self, operation_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        kind = "subscribe" if self.protocol == TRANSPORT_WS else "start"
        await self.send(
            {
                "id": operation_id,
                "type": kind,
                "payload": {"query": query, "variables": variables or {}},
            }
        )

    async def closed_with(self, timeout: float = 5) -> int:
        """Wait for the server to close the socket; its close code."""
        try:
            while True:
                async with asyncio.timeout(timeout):
                    await self.socket.recv()
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else closed.code


async def received_after(ws: WebSocketClient, trigger: Any, *, tries: int = 20) -> dict[str, Any]:
    """Fire `trigger` (an async callable) until the socket receives a frame.

    The protocol has no acknowledgement for a started subscription: it is live once its
    server has subscribed in Redis, which a busy process may take a moment to do.
    """
    for _ in range(tries):
        await trigger()
        try:
            return await ws.receive(timeout=1)
        except TimeoutError:
            continue
    raise AssertionError("the subscription never received an event")


async def subscribed(
    ws: WebSocketClient, operation_id: str, query: str, variables: dict[str, Any]
) -> None:
    """Subscribe and wait until the server has registered it (a probe query answers)."""
    await ws.subscribe(operation_id, query, variables)
    await ws.subscribe(f"probe-{operation_id}", "query { __typename }")
    while True:
        frame = await ws.receive()
        if frame.get("id") == f"probe-{operation_id}" and frame["type"] == "complete":
            return
        assert frame.get("id") != operation_id, frame
