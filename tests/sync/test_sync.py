"""Sync across devices: live syncEvents, catching up with changes, expired cursors."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from datastore.outbox.repository import PendingEvent
from resolvers.core.pagination import encode_cursor
from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.pod import UPDATE_ENTRY, create_entry, create_tag
from tests.support.ws import WebSocketClient

SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token session { id } } }"
SYNC_EVENTS = """
subscription { syncEvents { cursor seq entityType entityId operation version deviceSessionId } }
"""
CHANGES = """
query($since: String, $first: Int) {
  changes(since: $since, first: $first) {
    edges { cursor node { seq entityType entityId operation version deviceSessionId } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def _changes(client, token, since, expected: int, **variables) -> list[dict]:
    """Poll until `expected` changes are logged (the relay is asynchronous)."""
    for _ in range(100):
        data = await client.data(CHANGES, {"since": since, **variables}, token=token)
        nodes = [e["node"] for e in data["changes"]["edges"]]
        if len(nodes) >= expected:
            return nodes
        await asyncio.sleep(0.05)
    raise AssertionError(f"only {len(nodes)} changes logged")


async def test_second_device_gets_live_events_then_catches_up(
    client: GraphQLClient, server
) -> None:
    # given: a phone and a laptop signed in to one account
    phone = await client.sign_up(device_name="phone")
    laptop = (
        await client.data(
            SIGN_IN,
            {"input": {"login": phone.email, "password": phone.password, "deviceName": "laptop"}},
        )
    )["signIn"]
    # when: the laptop listens while the phone writes
    async with WebSocketClient(server.ws_url) as ws:
        assert (await ws.init({"authorization": f"Bearer {laptop['token']}"}))["type"] == (
            "connection_ack"
        )
        await ws.subscribe("1", SYNC_EVENTS)
        await asyncio.sleep(0.2)
        note = await create_entry(client, phone, title="from the phone")
        message = await ws.receive(timeout=10)
    # then
    live = message["payload"]["data"]["syncEvents"]
    assert live["entityId"] == note["id"]
    assert (live["entityType"], live["operation"], live["version"]) == ("ENTRY", "CREATED", 1)
    assert live["deviceSessionId"] == phone.session_id
    # when: offline, the phone makes three more changes
    await client.data(
        UPDATE_ENTRY, {"id": note["id"], "v": 1, "input": {"title": "edited"}}, token=phone.token
    )
    tag = await create_tag(client, phone, "synced")
    await client.data(
        "mutation($id: ID!) { deleteEntry(id: $id) { id } }",
        {"id": note["id"]},
        token=phone.token,
    )
    # then: the laptop catches up from its last cursor, exactly and in order
    missed = await _changes(client, laptop["token"], live["cursor"], 3)
    assert [(c["entityType"], c["operation"], c["version"]) for c in missed] == [
        ("ENTRY", "UPDATED", 2),
        ("TAG", "CREATED", 1),
        ("ENTRY", "TRASHED", 3),
    ]
    assert missed[1]["entityId"] == tag["id"]
    assert [c["seq"] for c in missed] == sorted(c["seq"] for c in missed)
    assert all(c["seq"] > live["seq"] for c in missed)
    # and from the start, everything, paged
    everything = await _changes(client, laptop["token"], None, 4)
    assert [c["operation"] for c in everything] == ["CREATED", "UPDATED", "CREATED", "TRASHED"]
    page = await client.data(CHANGES, {"since": None, "first": 2}, token=laptop["token"])
    assert page["changes"]["pageInfo"]["hasNextPage"] is True


async def test_sync_cursor_marks_now(client: GraphQLClient) -> None:
    account = await client.sign_up()
    await create_entry(client, account, title="before")
    cursor = (await client.data("{ syncCursor }", token=account.token))["syncCursor"]
    await create_entry(client, account, title="after")
    changes = await _changes(client, account.token, cursor, 1)
    assert [c["operation"] for c in changes] == ["CREATED"]


async def test_a_cursor_older_than_the_window_is_refused_with_a_reason(
    client: GraphQLClient,
) -> None:
    account = await client.sign_up()
    old = int((datetime.now(UTC) - timedelta(days=31)).timestamp())
    body = await client.execute(
        CHANGES, {"since": encode_cursor("sync", f"1.{old}")}, token=account.token
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["reason"] == "CURSOR_EXPIRED"
    assert body["errors"][0]["extensions"]["field"] == "since"
    body = await client.execute(CHANGES, {"since": "garbage"}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_relaying_an_event_twice_logs_it_once(client: GraphQLClient, server) -> None:
    # given: the relay is at least once
    account = await client.sign_up()
    entry = await create_entry(client, account, title="x")
    first = await _changes(client, account.token, None, 1)
    event = PendingEvent(
        id=0,
        user_id=raw_id(account.user_id),
        seq=first[0]["seq"],
        topic="pod.entry.created",
        payload={
            "entityType": "ENTRY",
            "nodeType": "Note",
            "entityId": raw_id(entry["id"]),
            "operation": "CREATED",
            "version": 1,
            "device": raw_id(account.session_id),
        },
        created_at=datetime.now(UTC),
    )
    # when
    await server.services.sync.append([event, event])
    # then
    again = await _changes(client, account.token, None, 1)
    assert [c["seq"] for c in again] == [first[0]["seq"]]
