"""Fan-out at scale: events executed once for many sockets, fan-out writes batched.

An event is executed once per (document, variables, viewer-visible data) and shared by
the sockets that agree on all three; viewers who may see different data get their own
result. Messages of one conversation are applied together, many members per DynamoDB
transaction, and still once per member and message.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from datastore.chat.ids import new_message_id
from datastore.chat.items import MessageItem
from datastore.chat.service.messages import now_iso
from tests.support.chat import CONVERSATIONS, REACT, direct, group_of, next_event, send
from tests.support.client import Account, GraphQLClient
from tests.support.ids import raw_id
from tests.support.ws import WebSocketClient, subscribed

# One document for everyone: `reactedByMe` depends on who asks, `body` does not.
REACTIONS = """
subscription($c: ID!) { conversationEvents(conversationId: $c) {
  kind message { id body reactions { edges { node { reaction count reactedByMe } } } } } }
"""
PLAIN = """
subscription($c: ID!) { conversationEvents(conversationId: $c) { kind message { id body } } }
"""
STATS = "query { chatStatistics(period: DAY) { edges { node { messagesSent messagesReceived } } } }"


async def pair(client: GraphQLClient) -> tuple[Account, Account, str]:
    """Ada and Bob, and their DIRECT conversation."""
    ada, bob = await client.sign_up(), await client.sign_up()
    return ada, bob, await direct(client, ada, bob)


async def test_sockets_sharing_a_document_still_see_only_their_own_view(
    client: GraphQLClient, server
) -> None:
    # given: Ada and Bob watch one conversation with the same documents, two sockets each
    ada, bob, conversation = await pair(client)
    message = await send(client, bob, conversation, "react to me")
    sockets: dict[tuple[str, str], WebSocketClient] = {}
    try:
        for who in (ada, bob):
            for name, document in (("reactions", REACTIONS), ("plain", PLAIN)):
                ws = WebSocketClient(server.ws_url)
                await ws.__aenter__()
                sockets[(who.username, name)] = ws
                await ws.init({"authorization": f"Bearer {who.token}"})
                await subscribed(ws, "c", document, {"c": conversation})
        # when: Ada reacts
        await client.data(REACT, {"id": message["id"], "r": "LIKE"}, token=ada.token)
        seen = {key: await next_event(ws, "REACTION") for key, ws in sockets.items()}
    finally:
        for ws in sockets.values():
            await ws.__aexit__()
    # then: the count is everyone's, "reacted by me" only Ada's; the plain view is shared
    mine = seen[(ada.username, "reactions")]["message"]["reactions"]["edges"]
    theirs = seen[(bob.username, "reactions")]["message"]["reactions"]["edges"]
    assert [e["node"] for e in mine] == [{"reaction": "LIKE", "count": 1, "reactedByMe": True}]
    assert [e["node"] for e in theirs] == [{"reaction": "LIKE", "count": 1, "reactedByMe": False}]
    assert seen[(ada.username, "plain")] == seen[(bob.username, "plain")]
    assert seen[(ada.username, "plain")]["message"] == {"id": message["id"], "body": "react to me"}


async def test_concurrent_senders_reach_every_member_once(client: GraphQLClient, server) -> None:
    # given: a group of four, one of them (Dee) watching it live
    owner = await client.sign_up()
    members = [await client.sign_up() for _ in range(3)]
    conversation = await group_of(client, owner, members, "Busy")
    everyone = [owner, *members]
    watcher = members[-1]
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {watcher.token}"})
        await subscribed(ws, "c", PLAIN, {"c": conversation})
        # when: all four send five messages each at the same time
        sent = await asyncio.gather(
            *(
                send(client, who, conversation, f"{who.username} {n}")
                for who in everyone
                for n in range(5)
            )
        )
        heard: list[str] = []
        while len(heard) < len(sent):
            heard.append((await next_event(ws, "MESSAGE_ADDED"))["message"]["id"])
        late = await _frames_within(ws, 0.3)
    # then: each message was heard live once; every member counts the others' 15 unread
    # and received them once in the statistics
    assert sorted(heard) == sorted(m["id"] for m in sent) and not late
    for who in everyone:
        inbox = await client.data(CONVERSATIONS, token=who.token)
        group = next(
            e["node"] for e in inbox["conversations"]["edges"] if e["node"]["kind"] == "GROUP"
        )
        stats = (await client.data(STATS, token=who.token))["chatStatistics"]["edges"][0]["node"]
        assert group["unreadCount"] == 15, who.username
        assert stats == {"messagesSent": 5, "messagesReceived": 15}, who.username


async def _frames_within(ws: WebSocketClient, seconds: float) -> list[dict[str, Any]]:
    """MESSAGE_ADDED frames that still arrive within `seconds` (a duplicate would)."""
    frames = []
    try:
        while True:
            frame = await ws.receive(timeout=seconds)
            if frame["payload"]["data"]["conversationEvents"]["kind"] == "MESSAGE_ADDED":
                frames.append(frame)
    except TimeoutError:
        return frames


async def test_a_fan_out_to_more_members_than_one_transaction_holds_applies_once(
    client: GraphQLClient, server
) -> None:
    # given: two stored messages whose fan-out reaches 150 members (450 transaction
    # items each, over DynamoDB's 100 per transaction)
    ada, _bob, conversation = await pair(client)
    chat = server.services.chat
    key = raw_id(conversation)
    conversation_item = (await chat.messages_repository.conversations([key]))[key]
    members = [uuid.UUID(ada.uuid), *(uuid.uuid4() for _ in range(149))]
    first = await _stored(server, ada, key, "first")
    second = await _stored(server, ada, key, "second")
    # when: both are delivered at once, then the first again (a retry)
    await asyncio.gather(
        chat.fanout.deliver(conversation_item, first, members=members),
        chat.fanout.deliver(conversation_item, second, members=members),
    )
    await chat.fanout.deliver(conversation_item, first, members=members)
    # then: every other member counts both once, with the newer preview; Ada counts none
    rows = await chat.inbox.get_many([(str(m), key) for m in members])
    others = [rows[(str(m), key)] for m in members[1:]]
    assert len(others) == 149
    assert {(r.unread, (r.last_message or {}).get("body")) for r in others} == {(2, "second")}
    assert rows[(ada.uuid, key)].unread == 0
    assert not await chat.fanout.pending.is_pending(key, first.id)
    assert not await chat.fanout.pending.is_pending(key, second.id)


async def _stored(server, sender: Account, conversation_id: str, body: str) -> MessageItem:
    message = MessageItem(
        conversation_id=conversation_id,
        id=new_message_id(),
        sender_id=sender.uuid,
        kind="TEXT",
        body=body,
        client_id=uuid.uuid4().hex,
        created_at=now_iso(),
    )
    stored, created = await server.services.chat.messages_repository.create_message(message)
    assert created
    return stored
