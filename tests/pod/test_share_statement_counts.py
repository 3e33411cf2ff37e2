"""Round trips of shared reads do not grow with the page: sharedWithMe (with the reads it
records for each owner) and the owner's entries with their shares."""

from __future__ import annotations

from sqlalchemy import text

from tests.support.client import GraphQLClient
from tests.support.ids import raw_id
from tests.support.sharing import ACTIVITY, friends

SHARED = """
query($first: Int!) {
  sharedWithMe(first: $first) { edges { node {
    share { permission accessCount person { username } sharedBy { username } }
    entry { id title myPermission category { name } tags { edges { node { slug } } } }
  } } }
}
"""
MINE_WITH_SHARES = """
query($first: Int!) {
  entries(first: $first) { edges { node { id title
    shares { edges { node { permission accessCount lastAccessedAt person { username } } } }
    shareLinks { edges { node { useCount } } }
  } } }
}
"""


async def test_shared_with_me_and_entry_shares_cost_the_same_for_5_and_25(
    client: GraphQLClient, server
) -> None:
    # given: 30 of the owner's notes shared with the friend, bulk-inserted
    owner, friend = await friends(client)
    async with server.services.clients.db() as db, db.begin():
        await db.execute(
            text(
                """
                WITH new AS (
                    INSERT INTO entries (user_id, kind, title, created_at)
                    SELECT CAST(:o AS uuid), 'NOTE', 'shared ' || n, now() - n * interval '1 s'
                    FROM generate_series(1, 30) AS n
                    RETURNING id, created_at
                )
                INSERT INTO entry_shares (entry_id, owner_id, person_id, shared_by, permission,
                                          created_at)
                SELECT id, CAST(:o AS uuid), CAST(:f AS uuid), CAST(:o AS uuid), 'READ', created_at
                FROM new
                """
            ),
            {"o": raw_id(owner.user_id), "f": raw_id(friend.user_id)},
        )

    # when
    five = await client.count_statements(SHARED, {"first": 5}, token=friend.token)
    many = await client.count_statements(SHARED, {"first": 25}, token=friend.token)
    mine_five = await client.count_statements(MINE_WITH_SHARES, {"first": 5}, token=owner.token)
    mine_many = await client.count_statements(MINE_WITH_SHARES, {"first": 25}, token=owner.token)

    # then: the page, its people, and the reads recorded in one batch
    assert five == many
    assert mine_five == mine_many
    data = await client.data(SHARED, {"first": 25}, token=friend.token)
    assert len(data["sharedWithMe"]["edges"]) == 25
    # every read was recorded: counted on each share and logged for the owner
    mine = await client.data(MINE_WITH_SHARES, {"first": 30}, token=owner.token)
    counts = [
        e["node"]["shares"]["edges"][0]["node"]["accessCount"] for e in mine["entries"]["edges"]
    ]
    assert counts[:5] == [3, 3, 3, 3, 3] and counts[25:] == [0] * 5
    log = (await client.data(ACTIVITY, {}, token=owner.token))["activity"]["edges"]
    assert {e["node"]["action"] for e in log} == {"VIEWED"}
