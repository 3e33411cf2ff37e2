"""Chaos: live chat across server processes while Redis restarts and a server is killed.

Messages are sent steadily through three servers while members watch the conversation on
each of them. The suite's Redis is killed and restarted mid-stream, then one server process
is SIGKILLed. Afterwards live delivery works on both surviving servers, every failure a
client saw was retryable, and the history has every acknowledged message exactly once, in
order. Restarts the suite's own Redis (same port and data dir), so it lives in its own module.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.chat import direct
from tests.support.client import Account, GraphQLClient
from tests.support.live_chat import HISTORY, ConversationWatcher, Requests, SteadySender
from tests.support.processes import kill_server, server_process
from tests.support.redis_server import start_redis, stop_redis
from tests.support.wait import eventually

# Two people send a message every 50 ms between them; the default limit is 30 per 10 s.
SEND_LIMIT = 100_000
# Messages acknowledged in each phase before the next disturbance.
PER_PHASE = 6
PHASE_SECONDS = 20
# For the checks after the chaos: a hang there fails with its traceback.
AFTERWARDS_SECONDS = 40


@pytest.fixture
def roomy_send_limit(server) -> Iterator[int]:
    """A send limit the steady sender stays under, on the in-process server."""
    chat = server.services.clients.settings.chat
    saved, chat.send_limit = chat.send_limit, SEND_LIMIT
    yield SEND_LIMIT
    chat.send_limit = saved


async def test_live_chat_survives_a_redis_restart_and_a_killed_server(
    server, client: GraphQLClient, service_env: dict[str, str], roomy_send_limit: int
) -> None:
    # given: Alice and Bob in a conversation, three servers, each watched by one of them
    alice, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, alice, bob)
    env = {**service_env, "CHAT_SEND_LIMIT": str(roomy_send_limit)}
    redis_url = server.container.clients.settings.redis_url
    requests = Requests()
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(requests.aclose)
        survivor, doomed = await _server_processes(stack, env, 2)
        servers = [server.url, survivor, doomed]
        watchers = [
            ConversationWatcher("bob-first", bob, conversation, requests, [server.url]),
            ConversationWatcher("alice-survivor", alice, conversation, requests, [survivor]),
            # These two fall back to the other servers once theirs is gone.
            ConversationWatcher("bob-doomed", bob, conversation, requests, [doomed, survivor]),
            ConversationWatcher(
                "alice-doomed", alice, conversation, requests, [doomed, server.url]
            ),
        ]
        for watcher in watchers:
            await stack.enter_async_context(watcher)
        # A message every 50 ms, through each server in turn, from Alice and Bob in turn.
        sender = SteadySender(requests, conversation, [alice, bob], list(servers), every=0.05)
        sending = asyncio.create_task(sender.run(), name="steady-sender")
        stack.push_async_callback(_stop_sending, sender, sending)

        async def settled(mark: int, endings: list[int]) -> bool:
            """Every watcher is live on a subscription begun after `endings` of its
            subscriptions and sockets ended, and PER_PHASE messages more than `mark` were
            acknowledged."""
            for watcher in watchers:
                watcher.check()
            if sending.done():
                sending.result()
            return sender.acked_after(mark) >= PER_PHASE and all(
                w.live_since(e) for w, e in zip(watchers, endings, strict=True)
            )

        await eventually(lambda: settled(0, [0] * len(watchers)), timeout=PHASE_SECONDS)

        # when: Redis is killed mid-stream, and restarted on the same port once every
        # server and the sender have noticed
        mark, before = len(sender.acked), [len(w.endings) for w in watchers]
        seen = len(requests.failures)

        async def noticed() -> bool:
            told = any("SERVICE_UNAVAILABLE" in f.what for f in requests.failures[seen:])
            return told and await _all_unready(servers)

        stopped = await stop_redis(redis_url)
        try:
            await eventually(noticed, timeout=PHASE_SECONDS, interval=0.1)
        finally:
            await start_redis(stopped)
        await eventually(lambda: settled(mark, [e + 1 for e in before]), timeout=PHASE_SECONDS)
        told = {w.name: w.gaps() for w in watchers}

        # and then a server process dies (SIGKILL) under two of the watchers, mid-stream
        mark, before = len(sender.acked), [len(w.endings) for w in watchers]
        requests.killed.add(doomed)
        kill_server(doomed)
        after_kill = [e + int(doomed in w.urls) for w, e in zip(watchers, before, strict=True)]
        await eventually(lambda: settled(mark, after_kill), timeout=PHASE_SECONDS)
        await _stop_sending(sender, sending)

        # then: live delivery, catch-up and history on the survivors
        async with asyncio.timeout(AFTERWARDS_SECONDS):
            readers = [(bob, server.url), (alice, survivor)]
            await _afterwards(sender, watchers, requests, conversation, readers)

    # every failure a client saw was one it may retry (or the killed server's silence)
    failures = requests.failures
    assert [f for f in failures if not f.retryable] == []
    # every watcher's subscription from before the outage was told it may have missed events
    assert all(gaps >= 1 for gaps in told.values()), told
    # the doomed server's watchers moved to the survivors
    assert [w.url for w in watchers] == [server.url, survivor, survivor, server.url]
    acked = [sent.id for sent in sender.acked]
    order = {message_id: n for n, message_id in enumerate(acked)}
    retried = {sent.id for sent in sender.acked if sent.attempts > 1}
    for watcher in watchers:
        # live events came in send order; only a retried send may come twice (at least once)
        first_arrivals = list(dict.fromkeys(watcher.live))
        assert first_arrivals == sorted(first_arrivals, key=order.__getitem__), watcher.name
        assert watcher.repeats <= retried, watcher.name


async def _afterwards(
    sender: SteadySender,
    watchers: list[ConversationWatcher],
    requests: Requests,
    conversation: str,
    readers: list[tuple[Account, str]],
) -> None:
    # a message sent through each surviving server arrives live on every watcher
    for _account, url in readers:
        probe = await sender.send_one(through=url)
        await eventually(lambda p=probe.id: _all_received(watchers, p), timeout=10)
    acked = [sent.id for sent in sender.acked]
    # each watcher, live and caught up, knows every acknowledged message and no other
    await eventually(lambda: _all_know(watchers, set(acked)), timeout=10)
    # the history, paged with cursors through either survivor, has each one once, in order
    for account, url in readers:
        history = await _history(requests, url, account.token, conversation)
        assert [m["id"] for m in history] == acked
        assert [m["body"] for m in history] == [sent.body for sent in sender.acked]


async def _server_processes(
    stack: contextlib.AsyncExitStack, env: dict[str, str], count: int
) -> list[str]:
    """Start `count` server processes at once; each is stopped when `stack` closes."""
    started = await asyncio.gather(
        *(stack.enter_async_context(server_process(env)) for _ in range(count)),
        return_exceptions=True,
    )
    for result in started:
        if isinstance(result, BaseException):
            raise result
    return [str(url) for url in started]


async def _all_unready(urls: list[str]) -> bool:
    """Every server reports that live delivery (Redis) is down."""
    async with httpx.AsyncClient(timeout=5) as http:
        responses = await asyncio.gather(*(http.get(f"{url}/readyz") for url in urls))
    return all(response.status_code == 503 for response in responses)


async def _history(
    requests: Requests, url: str, token: str, conversation: str
) -> list[dict[str, Any]]:
    """The whole conversation through the cursor connection, 7 messages a page."""
    messages: list[dict[str, Any]] = []
    cursor = None
    while True:
        variables = {"c": conversation, "first": 7, "after": cursor}
        data = await requests.data(url, HISTORY, variables, token)
        assert data is not None, requests.failures[-1]
        page = data["messages"]
        messages += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return messages
        assert page["pageInfo"]["endCursor"] not in (None, cursor), page["pageInfo"]
        cursor = page["pageInfo"]["endCursor"]


async def _all_received(watchers: list[ConversationWatcher], message_id: str) -> bool:
    return all(message_id in watcher.live for watcher in watchers)


async def _all_know(watchers: list[ConversationWatcher], acked: set[str]) -> bool:
    for watcher in watchers:
        watcher.check()
        assert watcher.seen <= acked, (watcher.name, watcher.seen - acked)
    return all(watcher.seen == acked for watcher in watchers)


async def _stop_sending(sender: SteadySender, sending: asyncio.Task[None]) -> None:
    sender.stop()
    await sending
