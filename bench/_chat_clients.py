"""The subscribers of `chat_fanout.py`: raw graphql-transport-ws sockets, in this process
or spread over client processes (10,000 sockets are more than one Python client can read
in time: its own parsing would be what is measured).

Arrival times are `time.perf_counter()`, CLOCK_MONOTONIC on Linux: one clock for every
process on the machine, so a child's arrivals compare with the parent's send times.
"""

from __future__ import annotations

import asyncio
import json
import time
from multiprocessing.connection import Connection
from typing import Any

import websockets

EVENTS = """subscription($c: ID!) {
  conversationEvents(conversationId: $c) { kind message { id } } }"""
OPEN_AT_ONCE = 50


def progress(message: str) -> None:
    # bench._common.progress, without importing it into every client process
    import sys

    print(f"[client] {message}", file=sys.stderr, flush=True)


class Subscriber:
    """One socket with one subscription; records when each message id arrived."""

    def __init__(self, ws_url: str, token: str, conversation: str) -> None:
        self.ws_url, self.token, self.conversation = ws_url, token, conversation
        self.arrived: dict[str, float] = {}
        self.on_arrival: Any = None

    async def open(self, attempts: int = 5) -> None:
        """Connect and subscribe; a socket refused while the server is busy (its Redis pool
        momentarily exhausted by a burst of connections) tries again, as a client would."""
        for attempt in range(attempts):
            try:
                await self._open()
                return
            except websockets.ConnectionClosedError:
                if attempt + 1 == attempts:
                    raise
                await asyncio.sleep(0.5 * (attempt + 1))

    async def _open(self) -> None:
        self.socket = await websockets.connect(
            self.ws_url,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            max_queue=None,
            ping_interval=None,
            open_timeout=120,
        )
        await self.socket.send(
            json.dumps(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {self.token}"}}
            )
        )
        assert json.loads(await self.socket.recv())["type"] == "connection_ack"
        await self.socket.send(
            json.dumps(
                {
                    "id": "c",
                    "type": "subscribe",
                    "payload": {"query": EVENTS, "variables": {"c": self.conversation}},
                }
            )
        )
        await self.socket.send(
            json.dumps({"id": "p", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        )
        while json.loads(await self.socket.recv()).get("type") != "complete":
            pass
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.socket:
            now = time.perf_counter()
            frame = json.loads(raw)
            event = ((frame.get("payload") or {}).get("data") or {}).get("conversationEvents")
            if event and event["kind"] == "MESSAGE_ADDED":
                message_id = event["message"]["id"]
                self.arrived[message_id] = now
                if self.on_arrival is not None:
                    self.on_arrival(message_id)
            elif frame.get("type") in ("error", "complete") or "errors" in (
                frame.get("payload") or {}
            ):
                progress(f"subscriber: unexpected frame {str(frame)[:300]}")

    async def close(self) -> None:
        self.reader.cancel()
        await self.socket.close()


async def open_all(subscribers: list[Subscriber], at_once: int = OPEN_AT_ONCE) -> None:
    for start in range(0, len(subscribers), at_once):
        await asyncio.gather(*(s.open() for s in subscribers[start : start + at_once]))


def client_process(
    plan: list[tuple[str, str]], conversation: str, pipe: Connection, at_once: int
) -> None:
    """A child holding the sockets of `plan` ((ws url, token) each). It reports "open",
    then "live" once every socket heard a message, then for each message id every socket
    has heard: ("arrived", id, [times]); it stops at "stop"."""
    asyncio.run(_client(plan, conversation, pipe, at_once))


async def _client(
    plan: list[tuple[str, str]], conversation: str, pipe: Connection, at_once: int
) -> None:
    subscribers = [Subscriber(url, token, conversation) for url, token in plan]
    counts: dict[str, int] = {}
    live = False

    def arrived(message_id: str) -> None:
        nonlocal live
        counts[message_id] = counts.get(message_id, 0) + 1
        if counts[message_id] == len(subscribers):
            times = [s.arrived[message_id] for s in subscribers]
            pipe.send(("arrived", message_id, times))
        if not live and all(s.arrived for s in subscribers):
            live = True
            pipe.send(("live",))

    for s in subscribers:
        s.on_arrival = arrived
    await open_all(subscribers, at_once)
    pipe.send(("open",))
    while not await asyncio.to_thread(pipe.poll, 0.5):
        pass
    pipe.recv()  # "stop"
    await asyncio.gather(*(s.close() for s in subscribers), return_exceptions=True)
