"""A note turned sensitive leaves no plaintext readable: activity, vectors, caches, outbox,
sync log and full-text index."""

from __future__ import annotations

import json

from sqlalchemy import text

from tests.support.client import GraphQLClient
from tests.support.ids import raw_id
from tests.support.pod import ENTRIES, ENTRY, SYNCED, UPDATE_ENTRY, create_entry, relayed
from tests.support.search import SEARCH, wait_until_embedded

ACTIVITY = """
query($id: ID) {
  activity(entryId: $id) { edges { node { action oldValues newValues } } }
}
"""
BODY = "the safe code is 4071-9932"
SECRET_WORD = "quokkaberry"  # one full-text lexeme


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


async def test_turning_sensitive_leaves_no_plaintext_in_outbox_sync_log_or_full_text(
    client: GraphQLClient, server
) -> None:
    # given: a plain note, found by full-text search
    account = await client.sign_up()
    entry = await create_entry(client, account, title="Safe", body=f"{SECRET_WORD} is the code")
    found = await client.data(SEARCH, {"q": SECRET_WORD}, token=account.token)
    assert len(found["search"]["edges"]) == 1  # the positive control
    # when
    turned = await turn_sensitive(client, account, entry)
    await relayed(client, account, entry["id"])
    # then: not found by its body, and nowhere in the change feeds
    found = await client.data(SEARCH, {"q": SECRET_WORD}, token=account.token)
    assert found["search"]["edges"] == []
    async with server.services.clients.db() as db:
        rows = await db.execute(
            text(
                "SELECT payload::text FROM outbox WHERE user_id = :u UNION ALL "
                "SELECT search::text FROM entries WHERE id = :e"
            ),
            {"u": raw_id(account.user_id), "e": raw_id(entry["id"])},
        )
        assert SECRET_WORD not in str(rows.all())
    changes = await client.data(SYNCED, token=account.token)
    assert SECRET_WORD not in json.dumps(changes)
    assert turned["sensitive"] is True
