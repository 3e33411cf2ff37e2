"""Every subscribed member of a group hears each message, live and in their inbox."""

from __future__ import annotations

import contextlib

import pytest

from tests.support.chat import EVENTS, INBOX_EVENTS, group_of, send
from tests.support.client import GraphQLClient
from tests.support.ws import WebSocketClient, subscribed


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


async def test_every_member_s_inbox_hears_a_group_message_once(
    client: GraphQLClient, server
) -> None:
    # given: the owner and four members watch their inboxes
    owner = await client.sign_up()
    members = [await client.sign_up() for _ in range(4)]
    conversation = await group_of(client, owner, members, "Inboxes")
    async with contextlib.AsyncExitStack() as stack:
        sockets = []
        for person in (owner, *members):
            ws = await stack.enter_async_context(WebSocketClient(server.ws_url))
            await ws.init({"authorization": f"Bearer {person.token}"})
            await subscribed(ws, "i", INBOX_EVENTS, {})
            sockets.append(ws)
        # when: the owner writes twice
        await send(client, owner, conversation, "one")
        await send(client, owner, conversation, "two")
        # then: each inbox hears each message once, with its own unread count
        heard = [
            [(await ws.receive())["payload"]["data"]["inboxEvents"] for _ in "12"] for ws in sockets
        ]
        for ws in sockets:
            with pytest.raises(TimeoutError):
                await ws.receive(timeout=0.5)
    assert heard[0] == [{"kind": "MESSAGE", "conversation": {"unreadCount": 0}}] * 2
    for events in heard[1:]:
        assert events == [
            {"kind": "MESSAGE", "conversation": {"unreadCount": 1}},
            {"kind": "MESSAGE", "conversation": {"unreadCount": 2}},
        ]
