"""Live chat after Redis restarts under a server that stayed up: the subscription is told it
may have missed events, live delivery resumes, and catch-up has every message once.

Restarts the suite's own Redis (same port and data dir), so it lives in its own module.
"""

from __future__ import annotations

import httpx

from tests.support.chat import EVENTS, MESSAGES, direct, send
from tests.support.client import GraphQLClient
from tests.support.redis_server import start_redis, stop_redis
from tests.support.ws import WebSocketClient, subscribed

# Generous: the reader notices the outage and reconnects with backoff.
TOLD_WITHIN_SECONDS = 30


def _message_ids(page: dict) -> list[str]:
    return [edge["node"]["id"] for edge in page["messages"]["edges"]]


async def test_live_delivery_resumes_after_redis_restarts(server, client: GraphQLClient) -> None:
    # given: Bob watches a conversation and has Alice's first message live
    alice, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, alice, bob)
    redis_url = server.container.clients.settings.redis_url
    async with WebSocketClient(server.ws_url) as ws, httpx.AsyncClient(base_url=server.url) as http:
        await ws.init({"authorization": f"Bearer {bob.token}"})
        await subscribed(ws, "before", EVENTS, {"c": conversation})
        first = await send(client, alice, conversation, "before the restart")
        live_first = await ws.receive()
        # when: Redis dies and comes back on the same port
        stopped = await stop_redis(redis_url)
        try:
            down = await http.get("/readyz")
        finally:
            await start_redis(stopped)
        told = await ws.receive(timeout=TOLD_WITHIN_SECONDS)
        ended = await ws.receive()
        ready = await http.get("/readyz")
        # a message nobody watched live, then a new subscription's live one
        missed = await send(client, alice, conversation, "while resubscribing")
        await subscribed(ws, "after", EVENTS, {"c": conversation})
        after = await send(client, alice, conversation, "after the restart")
        live_after = await ws.receive()
    page = await client.data(MESSAGES, {"c": conversation, "first": 50}, token=bob.token)
    # then: the affected subscription was told, and ended
    assert live_first["payload"]["data"]["conversationEvents"]["message"]["id"] == first["id"]
    assert told["id"] == "before" and told["type"] == "next", told
    assert told["payload"]["errors"][0]["extensions"]["code"] == "EVENTS_MAY_BE_MISSED"
    assert ended == {"id": "before", "type": "complete"}
    # readiness said live delivery was down, and is ok again once it is back
    assert down.status_code == 503 and down.json()["checks"]["redis"] != "ok"
    assert ready.status_code == 200, ready.json()
    # live events resume on the new subscription
    assert live_after["id"] == "after"
    assert live_after["payload"]["data"]["conversationEvents"]["message"]["id"] == after["id"]
    # catch-up has every message once: none lost, none repeated
    ids = _message_ids(page)
    assert sorted(ids) == sorted([first["id"], missed["id"], after["id"]])
    assert len(ids) == len(set(ids)) == 3
