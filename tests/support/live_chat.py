"""Chat clients that behave as real apps do through outages, for chaos tests.

`ConversationWatcher` watches one conversation over a websocket and keeps the messages it
has seen by id: when its subscription ends (EVENTS_MAY_BE_MISSED, a refused subscribe while
Redis is down) it subscribes again, when its socket closes it connects again (to the next
server in its list once one refuses connections), and it catches up with the cursor query
once each new subscription is known to be live (at its first event), so whatever was sent
while it was not listening is fetched. `SteadySender` sends messages at a steady pace
through several servers, retrying each one with the same client id until it is
acknowledged, and records every failure so a test can check that each was retryable.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import websockets

from tests.support.chat import EVENTS
from tests.support.client import Account
from tests.support.ws import WebSocketClient

SEND = """
mutation($input: SendMessageInput!) { sendMessage(input: $input) { id body clientId } }
"""
HISTORY = """
query($c: ID!, $first: Int, $after: String) {
  messages(conversationId: $c, first: $first, after: $after) {
    edges { cursor node { id body } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
# What a client may be told during an outage: try again later.
RETRYABLE = frozenset({"SERVICE_UNAVAILABLE", "RATE_LIMITED"})
# Long enough for any healthy request; a request that takes longer counts as a hang.
REQUEST_SECONDS = 10.0
RETRY_SECONDS = 0.1
# A message not acknowledged within this long means a server never recovered.
GIVE_UP_SECONDS = 20.0


@dataclass
class Failure:
    """One request that did not succeed: where, what it got, and whether a client may retry."""

    url: str
    what: str
    retryable: bool


class Requests:
    """HTTP GraphQL requests to several servers, each failure recorded as a `Failure`."""

    def __init__(self) -> None:
        # One documentation-range address per client, as tests/support/client.py does.
        address = f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"
        self.http = httpx.AsyncClient(timeout=REQUEST_SECONDS, headers={"x-forwarded-for": address})
        self.failures: list[Failure] = []
        # Servers the test killed on purpose: a transport error there is expected.
        self.killed: set[str] = set()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def data(
        self, url: str, query: str, variables: dict[str, Any], token: str
    ) -> dict[str, Any] | None:
        """The data of the request, or None after recording why it failed."""
        try:
            response = await self.http.post(
                f"{url}/graphql",
                json={"query": query, "variables": variables},
                headers={
                    "authorization": f"Bearer {token}",
                    "accept": "application/graphql-response+json",
                },
            )
        except httpx.TimeoutException as error:
            self.failures.append(Failure(url, f"hang: {type(error).__name__}", False))
            return None
        except httpx.TransportError as error:
            self.failures.append(Failure(url, repr(error), url in self.killed))
            return None
        try:
            body = response.json()
        except ValueError:
            what = f"HTTP {response.status_code} without a GraphQL body: {response.text[:200]}"
            self.failures.append(Failure(url, what, False))
            return None
        errors = body.get("errors")
        if not errors:
            return body["data"]
        codes = {(e.get("extensions") or {}).get("code") for e in errors}
        what = f"HTTP {response.status_code} {sorted(map(str, codes))}"
        self.failures.append(Failure(url, what, codes <= RETRYABLE))
        return None


@dataclass
class Sent:
    """An acknowledged message: its id, body and how many attempts it took."""

    id: str
    body: str
    attempts: int


@dataclass
class SteadySender:
    """Sends a message every `every` seconds, alternating senders and servers."""

    requests: Requests
    conversation: str
    accounts: list[Account]
    urls: list[str]
    every: float = 0.05
    acked: list[Sent] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _count: itertools.count[int] = field(default_factory=itertools.count)

    def stop(self) -> None:
        """Finish the message in hand (until acknowledged), then end `run`."""
        self._stop.set()

    def forget(self, url: str) -> None:
        """A server that is gone for good: stop sending through it."""
        if url in self.urls:
            self.urls.remove(url)

    async def run(self) -> None:
        while not self._stop.is_set():
            await self.send_one()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.every):
                    await self._stop.wait()

    async def send_one(self, *, through: str | None = None) -> Sent:
        """Send the next message; retry it with the same client id until acknowledged."""
        n = next(self._count)
        account = self.accounts[n % len(self.accounts)]
        body, client_id = f"message {n}", f"chaos-{n}-{secrets.token_hex(4)}"
        variables = {
            "input": {"conversationId": self.conversation, "clientId": client_id, "body": body}
        }
        deadline = asyncio.get_running_loop().time() + GIVE_UP_SECONDS
        for attempt in itertools.count(1):
            if asyncio.get_running_loop().time() > deadline:
                recent = self.requests.failures[-3:]
                raise AssertionError(f"{body!r} never acknowledged; last failures: {recent}")
            url = through or self.urls[(n + attempt) % len(self.urls)]
            data = await self.requests.data(url, SEND, variables, account.token)
            if data is not None:
                message = data["sendMessage"]
                assert (message["body"], message["clientId"]) == (body, client_id), message
                sent = Sent(message["id"], body, attempt)
                self.acked.append(sent)
                return sent
            if self.requests.failures[-1].url in self.requests.killed:
                self.forget(url)
            await asyncio.sleep(RETRY_SECONDS)
        raise AssertionError("unreachable")

    def acked_after(self, mark: int) -> int:
        return len(self.acked) - mark


@dataclass
class ConversationWatcher:
    """One member's live view of a conversation on one server (and its fall-backs)."""

    name: str
    account: Account
    conversation: str
    requests: Requests
    urls: list[str]
    # Every MESSAGE_ADDED received live, in arrival order (repeats included).
    live: list[str] = field(default_factory=list)
    # Every message id a catch-up query returned.
    caught_up: set[str] = field(default_factory=set)
    # How each subscription and socket ended, in order.
    endings: list[str] = field(default_factory=list)
    # Live events received on the current subscription (0: not known to be live yet).
    current_events: int = 0
    _cursor: str | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """The server this watcher is (or will be) connected to."""
        return self.urls[0]

    @property
    def seen(self) -> set[str]:
        """The messages this client knows of: received live or caught up."""
        return set(self.live) | self.caught_up

    @property
    def repeats(self) -> set[str]:
        """Messages delivered live more than once."""
        return {id_ for id_, count in Counter(self.live).items() if count > 1}

    def gaps(self) -> int:
        return sum(ending == "EVENTS_MAY_BE_MISSED" for ending in self.endings)

    def live_since(self, ending_count: int) -> bool:
        """Live (an event arrived) on a subscription that began after `ending_count`
        endings."""
        return len(self.endings) >= ending_count and self.current_events > 0

    async def __aenter__(self) -> ConversationWatcher:
        await self.catch_up()
        self._task = asyncio.create_task(self._run(), name=f"watcher-{self.name}")
        return self

    async def __aexit__(self, *_exc: object) -> None:
        # Cancel until it ends: a cancel racing a frame can be swallowed by library code
        # (asyncio.wait_for on 3.11 is one such place).
        while self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=1)

    def check(self) -> None:
        """Raise what made the watcher's task fail, if it did."""
        if self._task is not None and self._task.done() and not self._task.cancelled():
            self._task.result()

    async def catch_up(self) -> None:
        """Page through the history after the last cursor seen, until the end."""
        while True:
            variables = {"c": self.conversation, "first": 20, "after": self._cursor}
            url = self.url
            data = await self.requests.data(url, HISTORY, variables, self.account.token)
            if data is None:
                if len(self.urls) > 1 and url in self.requests.killed:
                    self.urls.remove(url)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            page = data["messages"]
            self.caught_up.update(edge["node"]["id"] for edge in page["edges"])
            self._cursor = page["pageInfo"]["endCursor"] or self._cursor
            if not page["pageInfo"]["hasNextPage"]:
                return

    async def _run(self) -> None:
        while True:
            url = self.url
            ws_url = url.replace("http://", "ws://") + "/graphql"
            try:
                async with WebSocketClient(ws_url) as ws:
                    await ws.send(
                        {
                            "type": "connection_init",
                            "payload": {"authorization": f"Bearer {self.account.token}"},
                        }
                    )
                    ack = await _next_frame(ws, timeout=10)
                    if ack.get("type") != "connection_ack":
                        self.endings.append(f"refused: {ack}")
                    else:
                        await self._subscriptions(ws)
            except (websockets.ConnectionClosed, websockets.InvalidHandshake, TimeoutError) as e:
                # (TimeoutError first: it is an OSError too.)
                self.endings.append(f"socket: {type(e).__name__}")
            except OSError:
                # Nothing listens there any more (the process was killed): the next one.
                self.endings.append(f"unreachable: {url}")
                if len(self.urls) > 1 and url in self.requests.killed:
                    self.urls.remove(url)
            self.current_events = 0
            await asyncio.sleep(RETRY_SECONDS)

    async def _subscriptions(self, ws: WebSocketClient) -> None:
        """Subscribe again each time a subscription ends, until the socket closes."""
        for n in itertools.count(1):
            operation = f"{self.name}-{n}"
            self.current_events = 0
            await ws.subscribe(operation, EVENTS, {"c": self.conversation})
            ending = await self._events(ws, operation)
            self.endings.append(ending)
            self.current_events = 0
            await asyncio.sleep(RETRY_SECONDS)

    async def _events(self, ws: WebSocketClient, operation: str) -> str:
        """Read one subscription's events; how it ended."""
        ending = "complete"
        while True:
            # A quiet socket is fine (graphql-transport-ws servers send no keep-alives);
            # a dead one raises ConnectionClosed.
            try:
                frame = await _next_frame(ws, timeout=60)
            except TimeoutError:
                continue
            if frame.get("id") != operation:
                continue
            if frame["type"] == "complete":
                return ending
            if frame["type"] == "error":
                return _codes(frame["payload"])
            errors = frame["payload"].get("errors")
            if errors:
                ending = _codes(errors)
                continue
            event = frame["payload"]["data"]["conversationEvents"]
            if event["kind"] != "MESSAGE_ADDED":
                continue
            self.live.append(event["message"]["id"])
            self.current_events += 1
            if self.current_events == 1:
                # Live now: whatever was sent before this event is in the history.
                await self.catch_up()


async def _next_frame(ws: WebSocketClient, *, timeout: float) -> dict[str, Any]:
    """The next frame other than pings, as `WebSocketClient.receive` but under
    asyncio.timeout: asyncio.wait_for on 3.11 can swallow a cancel that races a frame."""
    while True:
        async with asyncio.timeout(timeout):
            raw = await ws.socket.recv()
        message: dict[str, Any] = json.loads(raw)
        if message.get("type") not in ("ka", "ping", "pong"):
            return message


def _codes(errors: list[dict[str, Any]]) -> str:
    return ",".join(str((e.get("extensions") or {}).get("code")) for e in errors)
