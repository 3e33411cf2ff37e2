"""The one search over a user's journal and pod: FULL_TEXT, SEMANTIC or HYBRID.

Search owns no table: it asks the journal and the pod for their rankings (rankings.py)
and fuses them on calibrated strengths (fusion.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from datastore.journal.repository.analysis import AnalysisRepository
from datastore.kit.errors import BadUserInput
from datastore.kit.fulltext import semantic_text
from datastore.search.fusion import DEFAULT_FUSION, Fusion, fuse
from datastore.search.hits import Hit
from datastore.search.rankings import Rankings

if TYPE_CHECKING:
    from datastore.kit.ai.embedder import Embedder
    from datastore.kit.clients import Clients

MAX_QUERY = 500
# Each ranking fused by HYBRID is this deep at least, so a page deep in the list still
# sees results that only one of the two rankings found.
FUSION_DEPTH = 50
MAX_OFFSET = 1000


class SearchService:
    def __init__(
        self, clients: Clients, embedder: Embedder, fusion: Fusion = DEFAULT_FUSION
    ) -> None:
        self.clients = clients
        self.embedder = embedder
        self.fusion = fusion  # the benchmark tries others

    async def search(
        self,
        user_id: uuid.UUID,
        query: str,
        *,
        mode: str,
        kinds: Sequence[str],
        limit: int,
        offset: int,
    ) -> tuple[list[Hit], bool]:
        """A page of hits, best first, and whether more follow."""
        query = query.strip()
        if not query or len(query) > MAX_QUERY:
            raise BadUserInput(f"1 to {MAX_QUERY} characters.", field="query")
        if offset > MAX_OFFSET:
            raise BadUserInput("Too deep; refine the query.", field="after")
        depth = offset + limit + 1
        async with self.clients.db() as session:
            rankings = Rankings(session)
            if mode == "FULL_TEXT":
                hits = await rankings.full_text(user_id, query, kinds=kinds, limit=depth)
            elif mode == "SEMANTIC":
                vector = (await self.embedder.encode([semantic_text(query)]))[0]
                hits = await rankings.semantic(user_id, vector, query, kinds=kinds, limit=depth)
            else:
                hits = await self._hybrid(rankings, user_id, query, kinds, depth)
                page = await rankings.with_snippets(
                    user_id, query, hits[offset : offset + limit], kinds=kinds
                )
                return page, len(hits) > offset + limit
        return hits[offset : offset + limit], len(hits) > offset + limit

    async def _hybrid(
        self,
        rankings: Rankings,
        user_id: uuid.UUID,
        query: str,
        kinds: Sequence[str],
        depth: int,
    ) -> list[Hit]:
        """Both rankings, deep and without snippets, fused."""
        vector = (await self.embedder.encode([semantic_text(query)]))[0]
        depth = max(depth, FUSION_DEPTH)
        semantic = await rankings.semantic(
            user_id, vector, query, kinds=kinds, limit=depth, snippets=False
        )
        lexical = await rankings.full_text(user_id, query, kinds=kinds, limit=depth, snippets=False)
        return fuse(lexical, semantic, self.fusion)

    async def similar(
        self, user_id: uuid.UUID, entry_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[list[tuple[uuid.UUID, float]], bool]:
        async with self.clients.db() as session:
            found = await AnalysisRepository(session).similar_journal_entries(
                user_id, entry_id, limit=limit + 1, offset=offset
            )
        return found[:limit], len(found) > limit
