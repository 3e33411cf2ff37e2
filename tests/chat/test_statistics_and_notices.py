"""Statistics kept by the writes; MESSAGE notifications only when I am not looking."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tests.support.chat import CONVERSATIONS, EVENTS, direct, group_of, send
from tests.support.client import GraphQLClient
from tests.support.ws import WebSocketClient, subscribed

STATS = """
query($p: StatisticsPeriod!) {
  chatStatistics(period: $p) { edges { node {
    period start messagesSent messagesReceived groupsJoined activeConversations } } }
}
"""
CREATE = 'mutation { createGroup(input: {name: "Stats"}) { id } }'
NOTIFICATIONS = "query { notifications { edges { node { kind data } } } }"
TITLES = "query { notifications { edges { node { kind title body } } } }"
RENAME = "mutation($name: String!) { updateProfile(input: {displayName: $name}) { id } }"
NODE = "query($id: ID!) { node(id: $id) { ... on Message { body } } }"


async def test_statistics_per_day_and_month(client: GraphQLClient) -> None:
    # given
    ada, bob, cy = await client.sign_up(), await client.sign_up(), await client.sign_up()
    with_bob, with_cy = await direct(client, ada, bob), await direct(client, ada, cy)
    await send(client, ada, with_bob, "1")
    await send(client, ada, with_bob, "2")
    await send(client, bob, with_bob, "3")
    await send(client, ada, with_cy, "4")
    await client.data(CREATE, token=ada.token)
    # when
    day = await client.data(STATS, {"p": "DAY"}, token=ada.token)
    month = await client.data(STATS, {"p": "MONTH"}, token=ada.token)
    # then
    today = datetime.now(UTC).date().isoformat()
    expected = {
        "messagesSent": 3,
        "messagesReceived": 1,
        "groupsJoined": 1,
        "activeConversations": 2,
    }
    assert day["chatStatistics"]["edges"] == [
        {"node": {"period": "DAY", "start": today, **expected}}
    ]
    assert month["chatStatistics"]["edges"] == [
        {"node": {"period": "MONTH", "start": today[:7], **expected}}
    ]


async def test_message_notifications_only_for_conversations_not_looked_at(
    client: GraphQLClient, server
) -> None:
    # given
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    # when: one message while Bob looks away, one while he watches the conversation
    unseen = await send(client, ada, conversation, "are you there?")
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {bob.token}"})
        await subscribed(ws, "c", EVENTS, {"c": conversation})
        await send(client, ada, conversation, "I see you")
        await ws.receive()
    # then
    notices = (await client.data(NOTIFICATIONS, token=bob.token))["notifications"]["edges"]
    assert len(notices) == 1
    assert notices[0]["node"]["kind"] == "MESSAGE"
    # with the API's global ids, which open the conversation and the message
    data = notices[0]["node"]["data"]
    assert data == {"conversationId": conversation, "messageId": unseen["id"]}
    opened = await client.data(NODE, {"id": data["messageId"]}, token=bob.token)
    assert opened["node"] == {"body": "are you there?"}


async def test_the_inbox_takes_the_same_statements_for_2_and_20_conversations(
    client: GraphQLClient, server
) -> None:
    # given: Ada in 21 conversations (others sign up from their own addresses)
    ada = await client.sign_up()
    for _ in range(21):
        async with GraphQLClient(server.url) as elsewhere:
            other = await elsewhere.sign_up()
        await direct(client, ada, other)
    query = CONVERSATIONS.replace(
        "unreadCount", "unreadCount group { name } members { totalCount }"
    )
    # when
    small = await client.count_statements(query, {"first": 2}, token=ada.token)
    large = await client.count_statements(query, {"first": 20}, token=ada.token)
    # then: PostgreSQL is asked once per batch (the members' users), not per conversation
    assert small == large


async def test_message_notifications_name_each_sender(client: GraphQLClient) -> None:
    # given: a group where Bob has a display name and Cy only a username
    ada, bob, cy = await client.sign_up(), await client.sign_up(), await client.sign_up()
    conversation = await group_of(client, ada, [bob, cy], "Names")
    await client.data(RENAME, {"name": "Bobby"}, token=bob.token)
    # when: both send at once, so their messages may be fanned out together
    await asyncio.gather(
        send(client, bob, conversation, "from bob"), send(client, cy, conversation, "from cy")
    )
    # then: Ada, away, is told who wrote each
    notices = (await client.data(TITLES, token=ada.token))["notifications"]["edges"]
    messages = [n["node"] for n in notices if n["node"]["kind"] == "MESSAGE"]
    assert sorted((n["title"], n["body"]) for n in messages) == sorted(
        [("New message from Bobby", "from bob"), (f"New message from {cy.username}", "from cy")]
    )
