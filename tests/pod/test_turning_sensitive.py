"""A note turned sensitive leaves no plaintext readable: activity, vectors, caches."""

from __future__ import annotations

import json

from sqlalchemy import text

from tests.support.client import GraphQLClient
from tests.support.ids import raw_id
from tests.support.pod import ENTRIES, ENTRY, UPDATE_ENTRY, create_entry
from tests.support.search import wait_until_embedded

ACTIVITY = """
query($id: ID) {
  activity(entryId: $id) { edges { node { action oldValues newValues } } }
}
"""
BODY = "the safe code is 4071-9932"


async def turn_sensitive(client: GraphQLClient, account, entry: dict) -> dict:
    data = await client.data(
        UPDATE_ENTRY,
        {"id": entry["id"], "v": entry["version"], "input": {"sensitive": True}},
        token=account.token,
    )
    return data["updateEntry"]


async def test_turning_a_note_sensitive_seals_its_body_in_the_whole_activity_log(
    client: GraphQLClient, server
) -> None:
    # given: a note with a body, edited once while still plain
    account = await client.sign_up()
    entry = await create_entry(client, account, title="Safe", body=BODY)
    edited = await client.data(
        UPDATE_ENTRY,
        {"id": entry["id"], "v": 1, "input": {"body": BODY + " (new)"}},
        token=account.token,
    )
    # when
    await turn_sensitive(client, account, edited["updateEntry"])
    # then: no row of the entry shows the body, through the API or in the table
    log = await client.data(ACTIVITY, {"id": entry["id"]}, token=account.token)
    events = [e["node"] for e in log["activity"]["edges"]]
    assert [e["action"] for e in events] == ["UPDATED", "UPDATED", "CREATED"]
    assert "4071-9932" not in json.dumps(events)
    assert events[0]["newValues"] == {"sensitive": True}
    assert events[-1]["newValues"]["body"] == "[encrypted]"
    async with server.services.clients.db() as db:
        rows = await db.execute(
            text(
                "SELECT old_values::text, new_values::text FROM activity_logs WHERE entry_id = :e"
            ),
            {"e": raw_id(entry["id"])},
        )
        assert "4071-9932" not in str(rows.all())


async def test_turning_a_note_sensitive_drops_its_vector(
    client: GraphQLClient, server, fast_workers
) -> None:
    # given: a plain note that has been embedded
    account = await client.sign_up()
    entry = await create_entry(client, account, title="Safe", body=BODY)
    await wait_until_embedded(server, [entry["id"]])
    # when
    await turn_sensitive(client, account, entry)
    # then: gone in the same transaction, not after the worker's next pass
    async with server.services.clients.db() as db:
        count = await db.execute(
            text("SELECT count(*) FROM embeddings WHERE entry_id = :e"),
            {"e": raw_id(entry["id"])},
        )
        assert count.scalar_one() == 0


async def test_a_read_after_turning_sensitive_shows_no_cached_body(
    client: GraphQLClient,
) -> None:
    # given: the note read once, so its page and entry may be cached
    account = await client.sign_up()
    entry = await create_entry(client, account, title="Safe", body=BODY)
    await client.data(ENTRY, {"id": entry["id"]}, token=account.token)
    await client.data(ENTRIES, {}, token=account.token)
    # when
    await turn_sensitive(client, account, entry)
    # then
    again = await client.data(ENTRY, {"id": entry["id"]}, token=account.token)
    page = await client.data(ENTRIES, {}, token=account.token)
    assert again["entry"]["body"] is None and again["entry"]["sensitive"] is True
    assert BODY not in json.dumps(page)
