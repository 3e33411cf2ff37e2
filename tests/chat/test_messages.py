"""Sending and paging messages: idempotency, validation, media, access, catch-up, TTL."""

from __future__ import annotations

import asyncio
import time

from tests.support.chat import (
    CONVERSATIONS,
    DELETE,
    EDIT,
    EVENTS,
    MARK_READ,
    MESSAGES,
    REACT,
    SEND,
    direct,
    message_input,
    send,
)
from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.people import BLOCK, person_id
from tests.support.ws import WebSocketClient

NODE = "query($id: ID!) { node(id: $id) { id } }"


async def history(client, account, conversation, **page) -> list[str]:
    data = await client.data(MESSAGES, {"c": conversation, **page}, token=account.token)
    return [e["node"]["body"] for e in data["messages"]["edges"]]


async def test_a_retried_send_returns_the_first_message(client: GraphQLClient) -> None:
    # given
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    variables = message_input(conversation, "only once", clientId="retry-me-123")
    # when
    first = await client.data(SEND, variables, token=ada.token)
    second = await client.data(SEND, variables, token=ada.token)
    # then
    assert first == second
    assert await history(client, ada, conversation) == ["only once"]
    inbox = await client.data(CONVERSATIONS, token=bob.token)
    assert inbox["conversations"]["edges"][0]["node"]["unreadCount"] == 1


async def test_concurrent_sends_and_retries_each_store_one_message(client: GraphQLClient) -> None:
    # given: both people sending at once, and Ada retrying one message four times meanwhile
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    retried = message_input(conversation, "retried", clientId="retried-at-once")
    sends = [
        *(send(client, ada, conversation, f"ada {i}") for i in range(10)),
        *(send(client, bob, conversation, f"bob {i}") for i in range(5)),
        *(client.data(SEND, retried, token=ada.token) for _ in range(5)),
    ]
    # when: all at once (the server writes sends arriving together in one transaction)
    results = await asyncio.gather(*sends)
    # then: every send answered with its own message, each retry with the first one
    sent = results[:15]
    repeats = {r["sendMessage"]["id"] for r in results[15:]}
    assert [m["body"] for m in sent] == [f"ada {i}" for i in range(10)] + [
        f"bob {i}" for i in range(5)
    ]
    assert len({m["id"] for m in sent}) == 15
    assert len(repeats) == 1
    # and the history holds each message once; each unread count counts the other's once
    bodies = await history(client, ada, conversation, first=50)
    assert sorted(bodies) == sorted([m["body"] for m in sent] + ["retried"])
    for who, unread in ((ada, 5), (bob, 11)):
        inbox = await client.data(CONVERSATIONS, token=who.token)
        assert inbox["conversations"]["edges"][0]["node"]["unreadCount"] == unread


async def test_history_pages_both_ways_and_catches_up_after_a_disconnect(
    client: GraphQLClient, server
) -> None:
    # given: Bob saw messages 0-2 live, then his socket dropped
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {bob.token}"})
        await ws.subscribe("c", EVENTS, {"c": conversation})
        await ws.subscribe("p", "query { __typename }")
        await ws.receive(), await ws.receive()
        seen = [await send(client, ada, conversation, f"m{i}") for i in range(3)]
        for _ in seen:
            frame = await ws.receive()
        last_seen = frame["payload"]["data"]["conversationEvents"]["message"]["id"]
    for i in range(3, 8):
        await send(client, ada, conversation, f"m{i}")
    # when: Bob pages forward from the last message he saw
    cursor = None
    page = await client.data(MESSAGES, {"c": conversation, "last": 8}, token=bob.token)
    by_id = {e["node"]["id"]: e["cursor"] for e in page["messages"]["edges"]}
    cursor, caught_up = by_id[last_seen], []
    while True:
        data = await client.data(
            MESSAGES, {"c": conversation, "first": 2, "after": cursor}, token=bob.token
        )
        caught_up += [e["node"]["body"] for e in data["messages"]["edges"]]
        if not data["messages"]["pageInfo"]["hasNextPage"]:
            break
        cursor = data["messages"]["pageInfo"]["endCursor"]
    # then: nothing lost, in order; and paging back from the end works too
    assert caught_up == [f"m{i}" for i in range(3, 8)]
    newest = await client.data(MESSAGES, {"c": conversation, "last": 3}, token=bob.token)
    assert [e["node"]["body"] for e in newest["messages"]["edges"]] == ["m5", "m6", "m7"]
    assert newest["messages"]["pageInfo"]["hasPreviousPage"] is True
    before = newest["messages"]["pageInfo"]["startCursor"]
    older = await history(client, bob, conversation, last=3, before=before)
    assert older == ["m2", "m3", "m4"]
    # fetching marked them delivered to Bob
    mine = await client.data(MESSAGES, {"c": conversation, "last": 1}, token=ada.token)
    assert mine["messages"]["edges"][0]["node"]["deliveryState"] == "DELIVERED"


async def test_bad_input_is_refused_with_its_field_and_changes_nothing(
    client: GraphQLClient,
) -> None:
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    cases = [
        (message_input(conversation, ""), "body"),
        (message_input(conversation, "x" * 4001), "body"),
        (message_input(conversation, "hi", clientId="short"), "clientId"),
        (message_input(conversation, "hi", kind="SYSTEM"), "kind"),
        (message_input(conversation, "hi", kind="IMAGE"), "media"),
        (message_input(conversation, "x" * 33, kind="EMOTION"), "body"),
        (message_input(person_id(bob), "hi"), "conversationId"),
        (
            message_input(
                conversation,
                None,
                kind="IMAGE",
                media={
                    "fileName": "a.png",
                    "mimeType": "text/plain",
                    "sizeBytes": 10,
                    "storagePath": "u/a.png",
                },
            ),
            # Client-typed metadata is refused: it comes from an upload (test_chat_media.py).
            "media.fileName",
        ),
    ]
    for variables, field in cases:
        body = await client.execute(SEND, variables, token=ada.token)
        assert error_codes(body) == ["BAD_USER_INPUT"], (field, body)
        assert body["errors"][0]["extensions"]["field"] == field
    assert await history(client, ada, conversation) == []
    both = await client.execute(
        MESSAGES, {"c": conversation, "first": 1, "last": 1}, token=ada.token
    )
    assert error_codes(both) == ["BAD_USER_INPUT"]


async def test_non_members_are_refused_everywhere_and_learn_nothing(
    client: GraphQLClient, server
) -> None:
    # given
    ada, bob, eve = await client.sign_up(), await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    message = await send(client, ada, conversation, "private")
    variables = {"c": conversation, "m": message["id"], "id": message["id"]}
    # when / then: every door is NOT_FOUND for Eve
    for document in (MESSAGES, MARK_READ, EDIT, DELETE, REACT):
        extra = {"body": "x", "r": "LIKE"} if document in (EDIT, REACT) else {}
        body = await client.execute(document, {**variables, **extra}, token=eve.token)
        assert error_codes(body) == ["NOT_FOUND"], (document, body)
    refused = await client.execute(SEND, message_input(conversation, "hi"), token=eve.token)
    assert error_codes(refused) == ["NOT_FOUND"]
    for node_id in (conversation, message["id"]):
        assert (await client.data(NODE, {"id": node_id}, token=eve.token))["node"] is None
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {eve.token}"})
        await ws.subscribe("c", EVENTS, {"c": conversation})
        frame = await ws.receive()
    assert frame["type"] in ("error", "next"), frame
    errors = frame["payload"] if frame["type"] == "error" else frame["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    # Bob cannot edit or delete Ada's message either
    body = await client.execute(EDIT, {"id": message["id"], "body": "mine"}, token=bob.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await history(client, ada, conversation) == ["private"]


async def test_blocked_people_cannot_message_or_start_conversations(client: GraphQLClient) -> None:
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    await client.data(BLOCK, {"id": person_id(bob)}, token=ada.token)
    sent = await client.execute(SEND, message_input(conversation, "hello?"), token=bob.token)
    started = await client.execute(
        "mutation($id: ID!) { startDirectConversation(userId: $id) { id } }",
        {"id": person_id(ada)},
        token=bob.token,
    )
    assert error_codes(sent) == ["FORBIDDEN"]
    assert error_codes(started) == ["FORBIDDEN"]
    assert await history(client, ada, conversation) == []


async def test_sending_is_rate_limited(client: GraphQLClient, server) -> None:
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    limit = server.services.chat.settings.send_limit
    for i in range(limit):
        await send(client, ada, conversation, f"m{i}")
    body = await client.execute(SEND, message_input(conversation, "one too many"), token=ada.token)
    assert error_codes(body) == ["RATE_LIMITED"]
    assert body["errors"][0]["extensions"]["retryAfter"] >= 1


async def test_expired_messages_are_not_shown(client: GraphQLClient, server) -> None:
    # given: a message past a TTL that DynamoDB Local has not deleted yet
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    await send(client, ada, conversation, "keep")
    gone = await send(client, ada, conversation, "expired")
    dynamo = server.services.clients.dynamo
    node_id = raw_id(gone["id"])
    await dynamo.client.update_item(
        TableName=dynamo.table("chat_messages"),
        Key={
            "conversation_id": {"S": raw_id(conversation)},
            "sk": {"S": "m#" + node_id.rsplit("/", 1)[1]},
        },
        UpdateExpression="SET expires_at = :t",
        ExpressionAttributeValues={":t": {"N": str(int(time.time()) - 1)}},
    )
    # when / then
    assert await history(client, ada, conversation) == ["keep"]
    assert (await client.data(NODE, {"id": gone["id"]}, token=ada.token))["node"] is None
