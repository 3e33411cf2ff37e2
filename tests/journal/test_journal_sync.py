"""Journal sync: entries, tags and reminders in the sync log, live on other devices,
`journalEvents`, CONFLICT on a stale expectedVersion, and nothing for another user."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from tests.support.client import Account, GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.journal import create_entry
from tests.support.ws import WebSocketClient

SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token session { id } } }"
SYNC_EVENTS = """
subscription { syncEvents { cursor seq entityType entityId operation version deviceSessionId } }
"""
JOURNAL_EVENTS = """
subscription {
  journalEvents {
    kind entityType entityId version deviceSessionId
    entry { id title version }
    tag { id name version }
    reminder { id title version }
  }
}
"""
CHANGES = """
query($since: String) {
  changes(since: $since, first: 100) {
    edges { node { seq entityType entityId operation version deviceSessionId } }
  }
}
"""
UPDATE_ENTRY = """
mutation($id: ID!, $v: Int, $input: UpdateJournalEntryInput!) {
  updateJournalEntry(id: $id, expectedVersion: $v, input: $input) { id title version }
}
"""
DELETE_ENTRY = "mutation($id: ID!) { deleteJournalEntry(id: $id) { deletedId } }"
CREATE_TAG = """
mutation($input: CreateJournalTagInput!) { createJournalTag(input: $input) { id name version } }
"""
UPDATE_TAG = """
mutation($id: ID!, $v: Int, $input: UpdateJournalTagInput!) {
  updateJournalTag(id: $id, expectedVersion: $v, input: $input) { id name version }
}
"""
DELETE_TAG = "mutation($id: ID!) { deleteJournalTag(id: $id) { deletedId } }"
CREATE_REMINDER = """
mutation($input: CreateReminderInput!) { createReminder(input: $input) { id title version } }
"""
UPDATE_REMINDER = """
mutation($id: ID!, $v: Int, $input: UpdateReminderInput!) {
  updateReminder(id: $id, expectedVersion: $v, input: $input) { id title version }
}
"""
DELETE_REMINDER = "mutation($id: ID!) { deleteReminder(id: $id) { deletedId } }"
NODE = """
query($id: ID!) {
  node(id: $id) {
    ... on JournalEntry { entryTitle: title version }
    ... on JournalTag { name version }
    ... on Reminder { title version }
  }
}
"""
REMIND_AT = "2099-01-01T09:00:00+00:00"


async def _second_device(client: GraphQLClient, account: Account) -> str:
    """A second session of `account` (another device); its token."""
    data = await client.data(
        SIGN_IN,
        {"input": {"login": account.email, "password": account.password, "deviceName": "b"}},
    )
    return data["signIn"]["token"]


async def _changes(client: GraphQLClient, token: str, expected: int) -> list[dict[str, Any]]:
    """Poll until `expected` changes are logged (the relay is asynchronous)."""
    nodes: list[dict[str, Any]] = []
    for _ in range(200):
        data = await client.data(CHANGES, {"since": None}, token=token)
        nodes = [e["node"] for e in data["changes"]["edges"]]
        if len(nodes) >= expected:
            return nodes
        await asyncio.sleep(0.05)
    raise AssertionError(f"only {len(nodes)} changes logged")


async def _write_everything(client: GraphQLClient, token: str) -> dict[str, str]:
    """Create, update and delete an entry, a tag and a reminder; their global ids."""

    async def run(document: str, **variables: Any) -> dict[str, Any]:
        return await client.data(document, variables, token=token)

    entry = await create_entry(client, token, content="dear diary")
    await run(UPDATE_ENTRY, id=entry["id"], v=1, input={"title": "t"})
    await run(DELETE_ENTRY, id=entry["id"])
    tag = (await run(CREATE_TAG, input={"name": "calm"}))["createJournalTag"]
    await run(UPDATE_TAG, id=tag["id"], v=1, input={"name": "calmer"})
    await run(DELETE_TAG, id=tag["id"])
    reminder = (await run(CREATE_REMINDER, input={"title": "call", "remindAt": REMIND_AT}))[
        "createReminder"
    ]
    await run(UPDATE_REMINDER, id=reminder["id"], v=1, input={"title": "call mum"})
    await run(DELETE_REMINDER, id=reminder["id"])
    return {"entry": entry["id"], "tag": tag["id"], "reminder": reminder["id"]}


def _expected(ids: dict[str, str]) -> list[tuple[str, str, str, int]]:
    return [
        (entity_type, ids[key], operation, version)
        for key, entity_type in (
            ("entry", "JOURNAL_ENTRY"),
            ("tag", "JOURNAL_TAG"),
            ("reminder", "REMINDER"),
        )
        for operation, version in (("CREATED", 1), ("UPDATED", 2), ("DELETED", 2))
    ]


def _seen(changes: list[dict[str, Any]]) -> list[tuple[str, str, str, int]]:
    return [(c["entityType"], c["entityId"], c["operation"], c["version"]) for c in changes]


async def test_journal_changes_reach_another_device_live_and_by_changes(
    client: GraphQLClient, server
) -> None:
    # given: device A writes, device B of the same user listens
    account = await client.sign_up(device_name="a")
    device_b = await _second_device(client, account)
    async with WebSocketClient(server.ws_url) as ws:
        assert (await ws.init({"authorization": f"Bearer {device_b}"}))["type"] == "connection_ack"
        await ws.subscribe("1", SYNC_EVENTS)
        await asyncio.sleep(0.2)
        # when
        ids = await _write_everything(client, account.token)
        live = [(await ws.receive(timeout=10))["payload"]["data"]["syncEvents"] for _ in range(9)]
    # then: live, in order, each with its kind and the device that made it
    assert _seen(live) == _expected(ids)
    assert {c["deviceSessionId"] for c in live} == {account.session_id}
    assert [c["seq"] for c in live] == sorted(c["seq"] for c in live)
    # and B catches up with changes(since:) to the same list
    assert _seen(await _changes(client, device_b, 9)) == _expected(ids)


async def test_journal_events_deliver_live_with_the_object(client: GraphQLClient, server) -> None:
    # given: device B listens while device A writes, one change at a time
    account = await client.sign_up()
    device_b = await _second_device(client, account)

    async def run(document: str, **variables: Any) -> dict[str, Any]:
        return await client.data(document, variables, token=account.token)

    async with WebSocketClient(server.ws_url) as ws:
        assert (await ws.init({"authorization": f"Bearer {device_b}"}))["type"] == "connection_ack"
        await ws.subscribe("1", JOURNAL_EVENTS)
        await asyncio.sleep(0.2)

        async def next_event() -> dict[str, Any]:
            event = (await ws.receive(timeout=10))["payload"]["data"]["journalEvents"]
            assert event["deviceSessionId"] == account.session_id
            return event

        # when / then: each event names its kind and carries the object as it is now
        entry = await create_entry(client, account.token, title="live", content="hello")
        event = await next_event()
        assert (event["kind"], event["entityType"], event["entityId"]) == (
            "CREATED",
            "JOURNAL_ENTRY",
            entry["id"],
        )
        assert event["entry"] == {"id": entry["id"], "title": "live", "version": 1}
        assert event["tag"] is None and event["reminder"] is None
        await run(UPDATE_ENTRY, id=entry["id"], v=1, input={"title": "edited"})
        event = await next_event()
        assert event["kind"] == "UPDATED"
        assert event["entry"] == {"id": entry["id"], "title": "edited", "version": 2}
        await run(DELETE_ENTRY, id=entry["id"])
        event = await next_event()
        assert (event["kind"], event["entityId"], event["version"]) == ("DELETED", entry["id"], 2)
        assert event["entry"] is None

        tag = (await run(CREATE_TAG, input={"name": "calm"}))["createJournalTag"]
        event = await next_event()
        assert (event["kind"], event["entityType"]) == ("CREATED", "JOURNAL_TAG")
        assert event["tag"] == {"id": tag["id"], "name": "calm", "version": 1}
        await run(UPDATE_TAG, id=tag["id"], input={"name": "calmer"})
        event = await next_event()
        assert event["tag"] == {"id": tag["id"], "name": "calmer", "version": 2}

        created = await run(CREATE_REMINDER, input={"title": "call", "remindAt": REMIND_AT})
        reminder = created["createReminder"]
        event = await next_event()
        assert (event["kind"], event["entityType"]) == ("CREATED", "REMINDER")
        assert event["reminder"] == {"id": reminder["id"], "title": "call", "version": 1}
        await run(DELETE_REMINDER, id=reminder["id"])
        event = await next_event()
        assert (event["kind"], event["entityId"], event["reminder"]) == (
            "DELETED",
            reminder["id"],
            None,
        )


async def test_a_reminder_firing_is_a_change_from_no_device(client: GraphQLClient) -> None:
    # given: a reminder due in a second
    account = await client.sign_up()
    soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    created = await client.data(
        CREATE_REMINDER, {"input": {"title": "now", "remindAt": soon}}, token=account.token
    )
    reminder = created["createReminder"]
    # when: the scheduler fires it
    changes = await _changes(client, account.token, 2)
    # then: devices hear of its new version, made by the server itself
    assert _seen(changes) == [
        ("REMINDER", reminder["id"], "CREATED", 1),
        ("REMINDER", reminder["id"], "UPDATED", 2),
    ]
    assert changes[1]["deviceSessionId"] is None


@pytest.mark.parametrize(
    ("create", "update", "field"),
    [
        ("entry", UPDATE_ENTRY, "title"),
        ("tag", UPDATE_TAG, "name"),
        ("reminder", UPDATE_REMINDER, "title"),
    ],
)
async def test_stale_expected_version_is_conflict_with_the_current_version(
    client: GraphQLClient, create: str, update: str, field: str
) -> None:
    # given: an object at version 2
    account = await client.sign_up()
    token = account.token
    if create == "entry":
        node_id = (await create_entry(client, token, title="first", content="x"))["id"]
    elif create == "tag":
        data = await client.data(CREATE_TAG, {"input": {"name": "first"}}, token=token)
        node_id = data["createJournalTag"]["id"]
    else:
        data = await client.data(
            CREATE_REMINDER, {"input": {"title": "first", "remindAt": REMIND_AT}}, token=token
        )
        node_id = data["createReminder"]["id"]
    await client.data(update, {"id": node_id, "v": 1, "input": {field: "second"}}, token=token)
    # when: a device that read version 1 writes
    stale = {"id": node_id, "v": 1, "input": {field: "stale"}}
    body = await client.execute(update, stale, token=token)
    # then
    assert error_codes(body) == ["CONFLICT"]
    assert body["errors"][0]["extensions"]["currentVersion"] == 2
    now = (await client.data(NODE, {"id": node_id}, token=token))["node"]
    assert sorted(now.values(), key=str) == [2, "second"]


async def test_another_user_sees_none_of_my_journal_changes(client: GraphQLClient, server) -> None:
    # given: another user listening on both subscriptions
    mine = await client.sign_up()
    other = await client.sign_up()
    async with (
        WebSocketClient(server.ws_url) as sync_ws,
        WebSocketClient(server.ws_url) as journal_ws,
    ):
        for ws, query in ((sync_ws, SYNC_EVENTS), (journal_ws, JOURNAL_EVENTS)):
            assert (await ws.init({"authorization": f"Bearer {other.token}"}))["type"] == (
                "connection_ack"
            )
            await ws.subscribe("1", query)
        await asyncio.sleep(0.2)
        # when: I write, and the relay has handled all of it
        await _write_everything(client, mine.token)
        await _changes(client, mine.token, 9)
        # then
        for ws in (sync_ws, journal_ws):
            with pytest.raises(TimeoutError):
                await ws.receive(timeout=0.5)
    data = await client.data(CHANGES, {"since": None}, token=other.token)
    assert data["changes"]["edges"] == []


async def test_journal_outbox_payloads_carry_ids_and_versions_only(
    client: GraphQLClient, server
) -> None:
    # given
    account = await client.sign_up()
    word = f"secret{secrets.token_hex(4)}"
    entry = await create_entry(client, account.token, title=word, content=f"{word} text")
    await client.data(
        UPDATE_ENTRY, {"id": entry["id"], "input": {"content": f"more {word}"}}, token=account.token
    )
    tag = await client.data(CREATE_TAG, {"input": {"name": word[:20]}}, token=account.token)
    # then: nothing of the text in the outbox or the sync log
    async with server.services.clients.db() as db:
        rows = await db.execute(
            text(
                "SELECT topic, payload::text FROM outbox "
                "WHERE user_id = :u AND topic LIKE 'journal.%' ORDER BY seq"
            ),
            {"u": raw_id(account.user_id)},
        )
        found = rows.all()
    assert [topic for topic, _ in found] == [
        "journal.entry.created",
        "journal.entry.updated",
        "journal.tag.created",
    ]
    assert word not in str(found) and word[:20] not in str(found)
    changes = await _changes(client, account.token, 3)
    assert word[:20] not in str(changes)
    assert changes[-1]["entityId"] == tag["createJournalTag"]["id"]


async def test_deleting_a_tag_is_a_new_version_of_each_entry_that_carried_it(
    client: GraphQLClient,
) -> None:
    # given: a tag on one of two entries
    account = await client.sign_up()
    tag = (await client.data(CREATE_TAG, {"input": {"name": "gone"}}, token=account.token))[
        "createJournalTag"
    ]
    tagged = await create_entry(client, account.token, content="a", tagIds=[tag["id"]])
    untagged = await create_entry(client, account.token, content="b")
    # when
    await client.data(DELETE_TAG, {"id": tag["id"]}, token=account.token)
    # then: the tagged entry changed (version 2, logged after the tag's deletion); not the other
    changes = _seen(await _changes(client, account.token, expected=5))
    assert changes[3:] == [
        ("JOURNAL_TAG", tag["id"], "DELETED", 1),
        ("JOURNAL_ENTRY", tagged["id"], "UPDATED", 2),
    ]
    assert untagged["id"] not in {c[1] for c in changes[3:]}
