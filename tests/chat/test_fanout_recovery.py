"""A durable message's fan-out completes at least once and applies once.

A request that dies after the message is stored leaves its fan-out pending: a retried send
or the recovery worker finishes it, and applying it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from datastore.chat.ids import new_message_id
from datastore.chat.items import MessageItem
from datastore.chat.service.messages import now_iso
from tests.support.chat import CONVERSATIONS, SEND, direct, message_input
from tests.support.client import Account, GraphQLClient
from tests.support.ids import raw_id
from tests.support.people import ACTIVITIES

STATS = """
query { chatStatistics(period: DAY) { edges { node {
  messagesSent messagesReceived activeConversations } } } }
"""
NOTIFICATIONS = "query { notifications { edges { node { kind data } } } }"


async def durable_then_crash(
    server, sender: Account, conversation: str, body: str, client_id: str
) -> MessageItem:
    """Store a message as `send` does, then stop: the request died before its fan-out."""
    chat = server.services.chat
    message = MessageItem(
        conversation_id=raw_id(conversation),
        id=new_message_id(),
        sender_id=sender.uuid,
        kind="TEXT",
        body=body,
        client_id=client_id,
        created_at=now_iso(),
    )
    stored, created = await chat.messages_repository.create_message(message)
    assert created
    assert await chat.fanout.pending.is_pending(stored.conversation_id, stored.id)
    return stored


async def derived(client: GraphQLClient, ada: Account, bob: Account) -> dict[str, Any]:
    """Everything the fan-out derives, as Ada and Bob see it."""
    inbox = {}
    for who in (ada, bob):
        data = await client.data(CONVERSATIONS, token=who.token)
        inbox[who.username] = [
            (e["node"]["unreadCount"], (e["node"]["lastMessage"] or {}).get("body"))
            for e in data["conversations"]["edges"]
        ]
    stats = {
        who.username: (await client.data(STATS, token=who.token))["chatStatistics"]["edges"]
        for who in (ada, bob)
    }
    notices = (await client.data(NOTIFICATIONS, token=bob.token))["notifications"]["edges"]
    activities = await client.data(ACTIVITIES, {"kinds": ["MESSAGE_SENT"]}, token=ada.token)
    return {
        "inbox": inbox,
        "stats": stats,
        "notices": [message_key(n["node"]["data"]["messageId"]) for n in notices],
        "sent": [
            message_key(a["node"]["details"]["messageId"])
            for a in activities["activities"]["edges"]
        ],
    }


def message_key(global_id: str) -> str:
    """The message's own id inside its global id (`Message:<conversation>/<message>`)."""
    return raw_id(global_id).rpartition("/")[2]


def expected(ada: Account, bob: Account, message_id: str, body: str) -> dict[str, Any]:
    return {
        "inbox": {ada.username: [(0, body)], bob.username: [(1, body)]},
        "stats": {
            ada.username: [
                {"node": {"messagesSent": 1, "messagesReceived": 0, "activeConversations": 1}}
            ],
            bob.username: [
                {"node": {"messagesSent": 0, "messagesReceived": 1, "activeConversations": 1}}
            ],
        },
        "notices": [message_id],
        "sent": [message_id],
    }


async def test_a_retry_after_a_crash_completes_the_fan_out_once(
    client: GraphQLClient, server
) -> None:
    # given: the message is durable, but the request died before its fan-out
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    stored = await durable_then_crash(server, ada, conversation, "lost?", "crash-retry-1")
    variables = message_input(conversation, "lost?", clientId="crash-retry-1")
    # when: the client retries with the same client id, twice
    first = (await client.data(SEND, variables, token=ada.token))["sendMessage"]
    after_first = await derived(client, ada, bob)
    second = (await client.data(SEND, variables, token=ada.token))["sendMessage"]
    # then: the first message, its fan-out done exactly once and no longer pending
    assert first == second
    assert first["body"] == "lost?"
    assert after_first == expected(ada, bob, stored.id, "lost?")
    assert await derived(client, ada, bob) == after_first
    fanout = server.services.chat.fanout
    assert not await fanout.pending.is_pending(stored.conversation_id, stored.id)


async def test_the_worker_completes_a_pending_fan_out_without_a_retry(
    client: GraphQLClient, server
) -> None:
    # given: a message left pending by a dead request, and no retry
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    stored = await durable_then_crash(server, ada, conversation, "recover me", "crash-worker-2")
    fanout = server.services.chat.fanout
    # when: too young for the worker, then past the grace period
    await fanout.recover_once()
    still_pending = await fanout.pending.is_pending(stored.conversation_id, stored.id)
    recovered = await fanout.recover_once(older_than=0)
    # then
    assert still_pending
    assert recovered >= 1
    assert not await fanout.pending.is_pending(stored.conversation_id, stored.id)
    assert await derived(client, ada, bob) == expected(ada, bob, stored.id, "recover me")


async def test_applying_a_fan_out_twice_changes_nothing(client: GraphQLClient, server) -> None:
    # given: a message sent normally (fan-out applied once)
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    variables = message_input(conversation, "once", clientId="twice-once-1")
    sent = (await client.data(SEND, variables, token=ada.token))["sendMessage"]
    before = await derived(client, ada, bob)
    chat = server.services.chat
    message_id, key = before["sent"][0], raw_id(conversation)
    conversation_item = (await chat.messages_repository.conversations([key]))[key]
    message = (await chat.messages_repository.messages([(key, message_id)]))[(key, message_id)]
    # when: the fan-out runs again, twice (a worker and a retry racing, say)
    await chat.fanout.deliver(conversation_item, message)
    await chat.fanout.message_added(conversation_item, message)
    # then: unread counts, statistics, notifications and activity are unchanged
    assert sent["body"] == "once"
    assert before == expected(ada, bob, message_id, "once")
    assert await derived(client, ada, bob) == before


async def test_an_older_message_applied_late_counts_without_moving_the_inbox_back(
    client: GraphQLClient, server
) -> None:
    # given: an older message whose fan-out died, then a newer one delivered normally
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    older = await durable_then_crash(server, ada, conversation, "older", "late-older-1")
    await client.data(SEND, message_input(conversation, "newer"), token=ada.token)
    # when: the older fan-out completes late, twice
    fanout = server.services.chat.fanout
    await fanout.recover_once(older_than=0)
    await client.data(
        SEND, message_input(conversation, "older", clientId="late-older-1"), token=ada.token
    )
    # then: both count unread once; the row keeps the newer preview
    inbox = await client.data(CONVERSATIONS, token=bob.token)
    node = inbox["conversations"]["edges"][0]["node"]
    assert (node["unreadCount"], node["lastMessage"]["body"]) == (2, "newer")
    assert not await fanout.pending.is_pending(older.conversation_id, older.id)
