"""User activities: sign-ins and sign-outs (from the outbox), messages and groups."""

from __future__ import annotations

import asyncio

from tests.support.chat import direct, send
from tests.support.client import GraphQLClient
from tests.support.people import ACTIVITIES
from tests.support.wait import eventually

SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token } }"
SIGN_OUT = "mutation { signOut }"
CREATE = 'mutation { createGroup(input: {name: "Book club"}) { id } }'


async def kinds_of(client: GraphQLClient, account, token: str) -> list[str]:
    data = await client.data(ACTIVITIES, {"first": 50}, token=token)
    return [e["node"]["kind"] for e in data["activities"]["edges"]]


async def test_activities_are_recorded_and_listed_newest_first(client: GraphQLClient) -> None:
    # given
    ada, bob = await client.sign_up(), await client.sign_up()
    second = (
        await client.data(SIGN_IN, {"input": {"login": ada.email, "password": ada.password}})
    )["signIn"]["token"]
    await client.data(SIGN_OUT, token=second)
    conversation = await direct(client, ada, bob)
    await send(client, ada, conversation, "hi")
    await client.data(CREATE, token=ada.token)
    # when: the relay records LOGIN/LOGOUT asynchronously
    for _ in range(50):
        kinds = await kinds_of(client, ada, ada.token)
        if kinds.count("LOGIN") == 2 and "LOGOUT" in kinds:
            break
        await asyncio.sleep(0.1)
    # then
    assert kinds[:2] == ["GROUP_CREATED", "MESSAGE_SENT"]
    assert sorted(kinds[2:]) == ["LOGIN", "LOGIN", "LOGOUT"]
    only = await client.data(ACTIVITIES, {"kinds": ["LOGOUT"]}, token=ada.token)
    assert [e["node"]["kind"] for e in only["activities"]["edges"]] == ["LOGOUT"]
    assert "sessionId" in only["activities"]["edges"][0]["node"]["details"]
    # Bob's list has none of Ada's
    assert "MESSAGE_SENT" not in await kinds_of(client, bob, bob.token)


async def test_a_sent_message_activity_names_it_by_global_ids(client: GraphQLClient) -> None:
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    message = await send(client, ada, conversation, "hi")

    async def recorded() -> list[dict]:
        data = await client.data(ACTIVITIES, {"kinds": ["MESSAGE_SENT"]}, token=ada.token)
        return data["activities"]["edges"]

    edges = await eventually(recorded)
    assert edges[0]["node"]["details"] == {
        "conversationId": conversation,
        "messageId": message["id"],
    }
