"""The search document, and waiting until the background job has embedded entries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tests.support.ids import raw_id
from tests.support.wait import eventually

SEARCH = """
query($q: String!, $mode: SearchMode, $kinds: [SearchKind!], $first: Int, $after: String) {
  search(query: $q, mode: $mode, kinds: $kinds, first: $first, after: $after) {
    edges { cursor node {
      __typename
      ... on JournalSearchResult { score snippet entry { id title } }
      ... on PodSearchResult { score snippet entryId kind title }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def wait_until_embedded(server: Any, global_ids: list[str]) -> None:
    """Wait until every entry (journal or pod, by global id) has its vector."""
    ids = [raw_id(i) for i in global_ids]

    async def done() -> bool:
        async with server.services.clients.db() as session:
            count = await session.execute(
                text("SELECT count(*) FROM embeddings WHERE entry_id::text = ANY(:ids)"),
                {"ids": ids},
            )
            return count.scalar_one() == len(ids)

    await eventually(done, timeout=120)
