"""Round trips of a page of entries with their files do not grow with the page."""

from __future__ import annotations

from sqlalchemy import text

from tests.support.client import GraphQLClient
from tests.support.ids import raw_id

LIST = """
query($first: Int!) {
  me { storage { usedBytes limitBytes } }
  entries(first: $first) {
    edges { node { id attachments { totalCount edges { node { name size downloadUrl } } } } }
  }
}
"""


async def test_listing_10_and_100_entries_with_files_is_constant(
    client: GraphQLClient, server
) -> None:
    # given: 120 documents with 2 files each, bulk-inserted
    account = await client.sign_up()
    async with server.services.clients.db() as db, db.begin():
        await db.execute(
            text(
                """
                WITH new AS (
                    INSERT INTO entries (user_id, kind, title, created_at)
                    SELECT CAST(:u AS uuid), 'DOCUMENT', 'doc ' || n, now() - n * interval '1 s'
                    FROM generate_series(1, 120) AS n
                    RETURNING id
                )
                INSERT INTO attachments
                    (entry_id, user_id, blob_key, name, mime_type, size, sha256, blocks, status)
                SELECT new.id, CAST(:u AS uuid), md5(random()::text || new.id || k), 'f' || k,
                       'text/plain', 10, repeat('0', 64), '\\x00', 'READY'
                FROM new, generate_series(1, 2) AS k
                """
            ),
            {"u": raw_id(account.user_id)},
        )
    # when
    ten = await client.count_statements(LIST, {"first": 10}, token=account.token)
    hundred = await client.count_statements(LIST, {"first": 100}, token=account.token)
    # then: the user, the storage sum, the page, one batch of attachments
    assert ten == hundred
    assert hundred == 4
    data = await client.data(LIST, {"first": 100}, token=account.token)
    edges = data["entries"]["edges"]
    assert len(edges) == 100
    assert all(e["node"]["attachments"]["totalCount"] == 2 for e in edges)
    assert data["me"]["storage"]["usedBytes"] == 120 * 2 * 10
    # the rows name no real bytes: removed, so a backup of the suite's data finds none
    # missing, with the keys their deletion queued (no blob worker needs to look for them)
    async with server.services.clients.db() as db, db.begin():
        mine = {"u": raw_id(account.user_id)}
        keys = await db.execute(
            text("DELETE FROM attachments WHERE user_id = CAST(:u AS uuid) RETURNING blob_key"),
            mine,
        )
        await db.execute(
            text("DELETE FROM blob_garbage WHERE blob_key = ANY(:k)"), {"k": list(keys.scalars())}
        )
        await db.execute(text("DELETE FROM entries WHERE user_id = CAST(:u AS uuid)"), mine)
