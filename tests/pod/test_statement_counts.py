"""Round trips do not grow with the number of entries a query returns."""

from __future__ import annotations

from sqlalchemy import text

from tests.support.client import GraphQLClient
from tests.support.ids import raw_id
from tests.support.pod import create_category, create_tag

LIST = """
query($first: Int!) {
  entries(first: $first) {
    edges { node { id title category { id name } tags { edges { node { slug } } } } }
  }
}
"""

IN_FRAGMENTS = """
query($first: Int!) {
  entries(first: $first) { edges { node { ...Listed } } }
}
fragment Listed on Entry { id category { id } ... on Note { tags { edges { node { slug } } } } }
"""


async def test_listing_10_and_100_entries_with_tags_and_category_is_constant(
    client: GraphQLClient, server
) -> None:
    # given: 120 entries in 3 categories with 2 tags each, bulk-inserted
    account = await client.sign_up()
    categories = [await create_category(client, account, f"c{i}") for i in range(3)]
    tags = [await create_tag(client, account, f"t{i}") for i in range(4)]
    user = raw_id(account.user_id)
    async with server.services.clients.db() as db, db.begin():
        await db.execute(
            text(
                """
                WITH new AS (
                    INSERT INTO entries (user_id, kind, title, category_id, created_at)
                    SELECT CAST(:u AS uuid), 'NOTE', 'entry ' || n,
                           (CAST(:cats AS uuid[]))[1 + n % 3],
                           now() - n * interval '1 second'
                    FROM generate_series(1, 120) AS n
                    RETURNING id, created_at
                )
                INSERT INTO entry_tags (entry_id, tag_id, user_id)
                SELECT new.id, (CAST(:tags AS uuid[]))[1 + k], CAST(:u AS uuid)
                FROM new, generate_series(0, 1) AS k
                """
            ),
            {
                "u": user,
                "cats": [raw_id(c["id"]) for c in categories],
                "tags": [raw_id(t["id"]) for t in tags],
            },
        )
    # when
    ten = await client.count_statements(LIST, {"first": 10}, token=account.token)
    hundred = await client.count_statements(LIST, {"first": 100}, token=account.token)
    # then: the page with its tags in one statement, one batch of categories
    assert ten == hundred == 2
    data = await client.data(LIST, {"first": 100}, token=account.token)
    edges = data["entries"]["edges"]
    assert len(edges) == 100
    assert all(len(e["node"]["tags"]["edges"]) == 2 and e["node"]["category"] for e in edges)
    # and tags asked for through fragments come with the page all the same
    assert await client.count_statements(IN_FRAGMENTS, {"first": 50}, token=account.token) == 2
    # and the cached page, kept with its tags, costs only its categories
    assert await client.count_statements(LIST, {"first": 100}, token=account.token) == 1
