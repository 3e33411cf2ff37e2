"""Live sharing over real websockets (graphql-transport-ws): the person shared with sees a
new share and a revoked one disappear, and an open subscription on a shared entry follows
its changes and ends with NOT_FOUND the moment access ends (revoked or expired)."""

from __future__ import annotations

from typing import Any

from tests.support.client import Account, GraphQLClient
from tests.support.pod import UPDATE_ENTRY, create_entry
from tests.support.sharing import (
    ENTRY_EVENTS,
    REVOKE,
    SHARE_EVENTS,
    friends,
    later,
    share,
)
from tests.support.ws import WebSocketClient, subscribed


async def _listening(ws: WebSocketClient, account: Account) -> None:
    assert (await ws.init({"authorization": f"Bearer {account.token}"}))["type"] == (
        "connection_ack"
    )


def _errors(frame: dict[str, Any]) -> list[str]:
    errors = frame["payload"] if frame["type"] == "error" else frame["payload"]["errors"]
    return [e["extensions"]["code"] for e in errors]


async def test_the_person_sees_a_new_share_and_a_revoked_one_disappear(
    client: GraphQLClient, server
) -> None:
    # given: the friend's client listens
    owner, friend = await friends(client)
    note = await create_entry(client, owner, title="Trip plan")
    async with WebSocketClient(server.ws_url) as ws:
        await _listening(ws, friend)
        await subscribed(ws, "s", SHARE_EVENTS, {})
        # when: shared, then revoked
        made = await share(client, owner, note["id"], friend, "WRITE")
        shared = (await ws.receive(timeout=15))["payload"]["data"]["shareEvents"]
        await client.data(REVOKE, {"id": made["id"]}, token=owner.token)
        unshared = (await ws.receive(timeout=15))["payload"]["data"]["shareEvents"]
    # then
    assert shared["kind"] == "SHARED" and shared["shareId"] == made["id"]
    assert shared["entryId"] == note["id"] and shared["share"]["permission"] == "WRITE"
    assert shared["entry"]["title"] == "Trip plan"
    assert unshared["kind"] == "UNSHARED" and unshared["shareId"] == made["id"]
    assert unshared["share"] is None and unshared["entry"] is None


async def test_an_open_subscription_follows_changes_and_ends_when_revoked(
    client: GraphQLClient, server
) -> None:
    # given: the friend follows a shared entry
    owner, friend = await friends(client)
    note = await create_entry(client, owner, title="Draft")
    made = await share(client, owner, note["id"], friend)
    async with WebSocketClient(server.ws_url) as ws:
        await _listening(ws, friend)
        await subscribed(ws, "e", ENTRY_EVENTS, {"id": note["id"]})
        # when: the owner edits it
        await client.data(
            UPDATE_ENTRY, {"id": note["id"], "v": 1, "input": {"title": "Final"}}, token=owner.token
        )
        changed = await ws.receive(timeout=15)
        # and then revokes the share
        await client.data(REVOKE, {"id": made["id"]}, token=owner.token)
        ended = await ws.receive(timeout=15)
    # then
    assert changed["payload"]["data"]["entryEvents"] == {
        "id": note["id"], "title": "Final", "version": 2
    }  # fmt: skip
    assert ended["id"] == "e" and _errors(ended) == ["NOT_FOUND"]
    assert "Final" not in str(ended)


async def test_an_open_subscription_ends_when_the_share_expires(
    client: GraphQLClient, server
) -> None:
    owner, friend = await friends(client)
    note = await create_entry(client, owner, title="Short-lived")
    await share(client, owner, note["id"], friend, x=later(seconds=2))
    async with WebSocketClient(server.ws_url) as ws:
        await _listening(ws, friend)
        await subscribed(ws, "e", ENTRY_EVENTS, {"id": note["id"]})
        # when: nobody does anything, and its time runs out
        ended = await ws.receive(timeout=10)
    # then
    assert ended["id"] == "e" and _errors(ended) == ["NOT_FOUND"]


async def test_nobody_else_can_follow_an_entry(client: GraphQLClient, server) -> None:
    owner, stranger = await client.sign_up(), await client.sign_up()
    note = await create_entry(client, owner, title="Private")
    async with WebSocketClient(server.ws_url) as ws:
        await _listening(ws, stranger)
        await ws.subscribe("e", ENTRY_EVENTS, {"id": note["id"]})
        frame = await ws.receive(timeout=10)
    assert _errors(frame) == ["NOT_FOUND"] and "Private" not in str(frame)
