"""Presence derived from live sockets and set by the client, delivered live to friends."""

from __future__ import annotations

import asyncio
import contextlib

from tests.support.client import GraphQLClient
from tests.support.people import BLOCK, befriend, person_id
from tests.support.processes import kill_server, server_process
from tests.support.ws import WebSocketClient, subscribed

PRESENCE_CHANGED = "subscription { presenceChanged { personId presence { status lastSeen } } }"
INBOX = "subscription { inboxEvents { kind } }"
SET_PRESENCE = "mutation($s: PresenceStatus!) { updatePresence(status: $s) { id } }"
PRESENCE = "query($id: ID!) { node(id: $id) { ... on Person { presence { status } } } }"


async def next_change(ws: WebSocketClient) -> dict:
    frame = await ws.receive()
    assert frame["type"] == "next", frame
    return frame["payload"]["data"]["presenceChanged"]


async def presence_of(client: GraphQLClient, viewer, person) -> dict | None:
    data = await client.data(PRESENCE, {"id": person_id(person)}, token=viewer.token)
    return data["node"]["presence"]


async def test_friends_see_sockets_and_statuses_live(client: GraphQLClient, server) -> None:
    # given: Ada watches her friends' presence
    ada, bob, eve = await client.sign_up(), await client.sign_up(), await client.sign_up()
    await befriend(client, ada, bob)
    async with WebSocketClient(server.ws_url) as watcher:
        await watcher.init({"authorization": f"Bearer {ada.token}"})
        await subscribed(watcher, "p", PRESENCE_CHANGED, {})
        assert await presence_of(client, ada, bob) == {"status": "OFFLINE"}
        # when: Bob connects, sets AWAY, then disconnects
        async with WebSocketClient(server.ws_url) as bob_ws:
            await bob_ws.init({"authorization": f"Bearer {bob.token}"})
            await bob_ws.subscribe("i", INBOX)
            online = await next_change(watcher)
            await client.data(SET_PRESENCE, {"s": "AWAY"}, token=bob.token)
            away = await next_change(watcher)
            while_away = await presence_of(client, ada, bob)
            stranger_view = await presence_of(client, eve, bob)
        offline = await next_change(watcher)
    # then
    assert online == {"personId": person_id(bob), "presence": online["presence"]}
    assert online["presence"]["status"] == "ONLINE"
    assert away["presence"]["status"] == "AWAY"
    assert while_away == {"status": "AWAY"}
    assert stranger_view is None  # only friends see presence
    assert offline["presence"]["status"] == "OFFLINE"
    assert await presence_of(client, ada, bob) == {"status": "OFFLINE"}


async def test_blocked_people_do_not_see_presence(client: GraphQLClient, server) -> None:
    ada, bob = await client.sign_up(), await client.sign_up()
    await befriend(client, ada, bob)
    await client.data(BLOCK, {"id": person_id(bob)}, token=ada.token)
    async with WebSocketClient(server.ws_url) as bob_watch:
        await bob_watch.init({"authorization": f"Bearer {bob.token}"})
        await subscribed(bob_watch, "p", PRESENCE_CHANGED, {})
        async with WebSocketClient(server.ws_url) as ada_ws:
            await ada_ws.init({"authorization": f"Bearer {ada.token}"})
            await subscribed(ada_ws, "i", INBOX, {})
            data = await client.data(
                "query($id: ID!) { node(id: $id) { id } }", {"id": person_id(ada)}, token=bob.token
            )
            assert data["node"] is None
            # nothing arrives for Bob: the probe answers first
            await bob_watch.subscribe("q", "query { __typename }")
            frame = await bob_watch.receive()
    assert frame["id"] == "q"


async def test_any_authenticated_socket_counts_as_online(client: GraphQLClient, server) -> None:
    # given
    ada, bob = await client.sign_up(), await client.sign_up()
    await befriend(client, ada, bob)
    async with WebSocketClient(server.ws_url) as watcher:
        await watcher.init({"authorization": f"Bearer {ada.token}"})
        await subscribed(watcher, "p", PRESENCE_CHANGED, {})
        # when: Bob's app opens a socket and subscribes to nothing of chat's
        async with WebSocketClient(server.ws_url) as bob_ws:
            await bob_ws.init({"authorization": f"Bearer {bob.token}"})
            online = await next_change(watcher)
            while_connected = await presence_of(client, ada, bob)
        offline = await next_change(watcher)
    # then
    assert online["presence"]["status"] == "ONLINE"
    assert while_connected == {"status": "ONLINE"}
    assert offline["presence"]["status"] == "OFFLINE"


async def test_friends_hear_offline_when_the_server_holding_the_socket_dies(
    client: GraphQLClient, server, service_env
) -> None:
    # given: Bob connected through a second server process, Ada watching
    ada, bob = await client.sign_up(), await client.sign_up()
    await befriend(client, ada, bob)
    fast = {**service_env, "CHAT_PRESENCE_TTL_SECONDS": "1.5", "CHAT_HEARTBEAT_SECONDS": "0.5"}
    async with WebSocketClient(server.ws_url) as watcher:
        await watcher.init({"authorization": f"Bearer {ada.token}"})
        await subscribed(watcher, "p", PRESENCE_CHANGED, {})
        async with server_process(fast) as other_url:
            bob_ws = WebSocketClient(other_url.replace("http://", "ws://") + "/graphql")
            await bob_ws.__aenter__()
            await bob_ws.init({"authorization": f"Bearer {bob.token}"})
            online = await next_change(watcher)
            # when: that server dies without closing anything
            kill_server(other_url)
            await asyncio.sleep(2)
            # The server's own sweeper runs every 15 s; sweep now rather than wait for it.
            await server.services.people.sweep_once()
            offline = await next_change(watcher)
            with contextlib.suppress(Exception):
                await bob_ws.__aexit__(None, None, None)
    # then
    assert online["presence"]["status"] == "ONLINE"
    assert offline == {"personId": person_id(bob), "presence": offline["presence"]}
    assert offline["presence"]["status"] == "OFFLINE"
    assert await presence_of(client, ada, bob) == {"status": "OFFLINE"}
