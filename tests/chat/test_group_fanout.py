"""Every subscribed member of a group hears each message."""

from __future__ import annotations

from tests.support.chat import EVENTS, group_of, send
from tests.support.client import GraphQLClient
from tests.support.ws import WebSocketClient


async def test_every_subscribed_member_hears_a_group_message(client: GraphQLClient, server) -> None:
    owner = await client.sign_up()
    members = [await client.sign_up() for _ in range(4)]
    conversation = await group_of(client, owner, members, "Fan")
    sockets = [WebSocketClient(server.ws_url) for _ in members]
    for ws, member in zip(sockets, members, strict=True):
        await ws.__aenter__()
        await ws.init({"authorization": f"Bearer {member.token}"})
        await ws.subscribe("c", EVENTS, {"c": conversation})
        await ws.subscribe("p", "query { __typename }")
        first = await ws.receive()
        assert first["id"] == "p", first
        await ws.receive()
    try:
        sent = await send(client, owner, conversation, "to all")
        for ws in sockets:
            frame = await ws.receive()
            assert frame["payload"]["data"]["conversationEvents"]["message"]["id"] == sent["id"]
    finally:
        for ws in sockets:
            await ws.__aexit__()
