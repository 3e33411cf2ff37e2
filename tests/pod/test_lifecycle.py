"""Trash and restore, purge after 30 days, and expiry."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.pod import DELETE_ENTRY, ENTRY, RESTORE_ENTRY, create_entry, titles

ACTIVITY = """
query($entryId: ID) { activity(entryId: $entryId) { edges { node { action entityId } } } }
"""


async def test_delete_moves_to_trash_and_restore_brings_it_back(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    entry = await create_entry(client, account, title="Old idea", status="ARCHIVED")
    # when
    trashed = (await client.data(DELETE_ENTRY, {"id": entry["id"]}, token=account.token))[
        "deleteEntry"
    ]
    # then: hidden from lists, shown in the trash
    assert trashed["status"] == "DELETED" and trashed["deletedAt"] is not None
    assert await titles(client, account) == []
    trash = await titles(client, account, filter={"statuses": ["DELETED"]})
    assert trash == ["Old idea"]
    # when
    restored = (await client.data(RESTORE_ENTRY, {"id": entry["id"]}, token=account.token))[
        "restoreEntry"
    ]
    # then: back to the status it had
    assert restored["status"] == "ARCHIVED" and restored["deletedAt"] is None
    assert restored["version"] == 3
    assert await titles(client, account) == ["Old idea"]


async def test_restore_outside_the_trash_is_bad_input(client: GraphQLClient) -> None:
    account = await client.sign_up()
    entry = await create_entry(client, account)
    body = await client.execute(RESTORE_ENTRY, {"id": entry["id"]}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_trash_older_than_30_days_is_purged_by_the_worker(
    client: GraphQLClient, server
) -> None:
    # given: an entry trashed 31 days ago
    account = await client.sign_up()
    entry = await create_entry(client, account, title="Ancient")
    await client.data(DELETE_ENTRY, {"id": entry["id"]}, token=account.token)
    pod = server.services.pod
    async with server.services.clients.db() as db, db.begin():
        await db.execute(
            text(
                "UPDATE entries SET deleted_at = now() - interval '31 days' WHERE title = :t "
                "AND user_id = :u"
            ),
            {"t": "Ancient", "u": raw_id(account.user_id)},
        )
    # when
    while await pod.maintenance.run_once():
        pass
    # then
    assert await titles(client, account, filter={"statuses": ["DELETED"]}) == []
    assert (await client.data(ENTRY, {"id": entry["id"]}, token=account.token))["entry"] is None
    actions = await client.data(ACTIVITY, {"entryId": entry["id"]}, token=account.token)
    assert next(e["node"]["action"] for e in actions["activity"]["edges"]) == "PURGED"


async def test_an_expired_entry_disappears_from_reads_then_is_removed(
    client: GraphQLClient, server
) -> None:
    # given: an entry that expires in a moment, listed (and cached) while alive
    account = await client.sign_up()
    expires = datetime.now(UTC) + timedelta(seconds=1.5)
    entry = await create_entry(client, account, title="Ephemeral", expiresAt=expires.isoformat())
    await create_entry(client, account, title="Lasting")
    assert await titles(client, account) == ["Lasting", "Ephemeral"]
    # when
    await asyncio.sleep(2)
    # then: no read shows it, even before the worker runs
    assert await titles(client, account) == ["Lasting"]
    assert (await client.data(ENTRY, {"id": entry["id"]}, token=account.token))["entry"] is None
    tree = await client.data("{ categoryTree { name entryCount } }", token=account.token)
    assert tree["categoryTree"] == [{"name": "Inbox", "entryCount": 1}]
    # and the worker deletes the row
    while await server.services.pod.maintenance.run_once():
        pass
    async with server.services.clients.db() as db:
        count = await db.scalar(
            text("SELECT count(*) FROM entries WHERE user_id = :u"), {"u": raw_id(account.user_id)}
        )
    assert count == 1
