"""A whole DIRECT conversation over HTTP and websockets, as two clients see it."""

from __future__ import annotations

from tests.support.chat import (
    CONVERSATIONS,
    DELETE,
    EDIT,
    EVENTS,
    INBOX_EVENTS,
    MARK_READ,
    MESSAGES,
    REACT,
    RECEIPTS,
    TYPING,
    direct,
    next_event,
    send,
)
from tests.support.client import GraphQLClient
from tests.support.people import person_id
from tests.support.ws import WebSocketClient, subscribed


async def test_a_whole_conversation_live(client: GraphQLClient, server) -> None:
    # given: Ada and Bob in one DIRECT conversation, Bob watching it live
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    assert await direct(client, bob, ada) == conversation  # unique per pair
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {bob.token}"})
        await subscribed(ws, "c", EVENTS, {"c": conversation})

        # when: Ada sends, Bob replies, Ada edits, reacts, deletes; Bob types and reads
        hello = await send(client, ada, conversation, "Hello Bob")
        added = await next_event(ws, "MESSAGE_ADDED")
        reply = await send(client, bob, conversation, "Hi Ada", replyToId=hello["id"])
        await next_event(ws, "MESSAGE_ADDED")
        edited = await client.data(
            EDIT, {"id": hello["id"], "body": "Hello, Bob!"}, token=ada.token
        )
        edit_event = await next_event(ws, "MESSAGE_EDITED")
        reacted = await client.data(REACT, {"id": reply["id"], "r": "LOVE"}, token=ada.token)
        reaction_event = await next_event(ws, "REACTION")
        await client.data(TYPING, {"c": conversation}, token=ada.token)
        typing_event = await next_event(ws, "TYPING")
        oops = await send(client, ada, conversation, "wrong chat")
        await next_event(ws, "MESSAGE_ADDED")
        await client.data(DELETE, {"id": oops["id"]}, token=ada.token)
        delete_event = await next_event(ws, "MESSAGE_DELETED")
        before_read = await client.data(CONVERSATIONS, token=bob.token)
        read = await client.data(MARK_READ, {"c": conversation, "m": oops["id"]}, token=bob.token)
        read_event = await next_event(ws, "RECEIPT")
        while read_event["receiptState"] != "READ":
            read_event = await next_event(ws, "RECEIPT")
        ada_ws_receipt = await client.data(RECEIPTS, {"id": hello["id"]}, token=ada.token)

    # then: Bob saw everything live, in order
    assert added["message"] == {"id": hello["id"], "body": "Hello Bob", "deleted": False}
    assert reply["replyTo"] == {"id": hello["id"], "body": "Hello Bob"}
    assert edited["editMessage"]["body"] == "Hello, Bob!"
    assert edit_event["message"]["body"] == "Hello, Bob!"
    assert reacted["toggleReaction"]["added"] is True
    assert reaction_event["reaction"] == "LOVE" and reaction_event["personId"] == person_id(ada)
    assert typing_event["typing"] is True and typing_event["typingExpiresAt"]
    assert delete_event["message"] == {"id": oops["id"], "body": None, "deleted": True}
    # Bob's inbox counted Ada's 2 messages unread, the preview showing the tombstone...
    bob_row = before_read["conversations"]["edges"][0]["node"]
    assert bob_row["id"] == conversation
    assert bob_row["unreadCount"] == 2
    assert bob_row["lastMessage"] == {"body": None, "deleted": True, "kind": "TEXT"}
    # ...and reading clears it; Ada's first message shows READ for Bob
    assert read["markRead"]["unreadCount"] == 0
    assert read_event["personId"] == person_id(bob) and read_event["upTo"] == oops["id"]
    receipts = ada_ws_receipt["node"]
    assert receipts["deliveryState"] == "READ"
    assert receipts["receipts"]["edges"] == [
        {"node": {"state": "READ", "person": {"username": bob.username}}}
    ]
    # the history keeps the tombstone in order, with the edit history and reactions
    history = await client.data(MESSAGES, {"c": conversation, "first": 10}, token=ada.token)
    nodes = [e["node"] for e in history["messages"]["edges"]]
    assert [n["body"] for n in nodes] == ["Hello, Bob!", "Hi Ada", None]
    assert nodes[0]["editHistory"]["edges"] == [{"node": {"body": "Hello Bob"}}]
    assert nodes[1]["reactions"]["edges"] == [
        {"node": {"reaction": "LOVE", "count": 1, "reactedByMe": True}}
    ]
    assert nodes[2]["deleted"] is True


async def test_reactions_toggle_one_of_each_per_user(client: GraphQLClient) -> None:
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    message = await send(client, ada, conversation, "react to me")
    await client.data(REACT, {"id": message["id"], "r": "LIKE"}, token=ada.token)
    await client.data(REACT, {"id": message["id"], "r": "LIKE"}, token=bob.token)
    both = await client.data(REACT, {"id": message["id"], "r": "WOW"}, token=bob.token)
    off = await client.data(REACT, {"id": message["id"], "r": "LIKE"}, token=bob.token)
    counts = both["toggleReaction"]["message"]["reactions"]["edges"]
    assert [e["node"] for e in counts] == [
        {"reaction": "LIKE", "count": 2, "reactedByMe": True},
        {"reaction": "WOW", "count": 1, "reactedByMe": True},
    ]
    assert off["toggleReaction"]["added"] is False
    assert [e["node"] for e in off["toggleReaction"]["message"]["reactions"]["edges"]] == [
        {"reaction": "LIKE", "count": 1, "reactedByMe": False},
        {"reaction": "WOW", "count": 1, "reactedByMe": True},
    ]


async def test_my_inbox_changes_arrive_live(client: GraphQLClient, server) -> None:
    # given: Bob watches his inbox
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {bob.token}"})
        await subscribed(ws, "i", INBOX_EVENTS, {})
        # when: Ada writes, then Bob reads
        sent = await send(client, ada, conversation, "news")
        arrived = await ws.receive()
        await client.data(MARK_READ, {"c": conversation, "m": sent["id"]}, token=bob.token)
        read = await ws.receive()
    # then
    assert arrived["payload"]["data"]["inboxEvents"] == {
        "kind": "MESSAGE",
        "conversation": {"unreadCount": 1},
    }
    assert read["payload"]["data"]["inboxEvents"] == {
        "kind": "READ",
        "conversation": {"unreadCount": 0},
    }
