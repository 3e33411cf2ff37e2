"""The journal's share of the unified search over journal and pod (datastore/search).

Ranked full-text matches over the stored, weighted `search_vector` (title A, content B),
and the title and snippet of entries another ranking found. Every statement filters by
the caller.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.postgres import SEARCH_HEADLINE

_FULL_TEXT = """
    WITH q AS (SELECT websearch_to_tsquery('english', :query) AS q),
    ranked AS (
        SELECT j.id, ts_rank_cd(j.search_vector, q.q) AS score
        FROM journal_entries j, q
        WHERE j.user_id = :user_id AND j.search_vector @@ q.q
        ORDER BY score DESC, j.id LIMIT :limit
    )
    SELECT r.id, r.score, j.title, {snippet} AS snippet
    FROM ranked r JOIN journal_entries j ON j.id = r.id, q
    ORDER BY r.score DESC, r.id
"""
# Snippets cost more than ranking: HYBRID ranks deep without them and adds them to its page.
_FULL_TEXT_STATEMENTS = {
    True: text(
        _FULL_TEXT.format(snippet=f"ts_headline('english', j.content, q.q, '{SEARCH_HEADLINE}')")
    ),
    False: text(_FULL_TEXT.format(snippet="''")),
}

_DETAILS = """
    SELECT j.id, j.title, {snippet}
    FROM journal_entries j WHERE j.id = ANY(:ids) AND j.user_id = :user_id
"""
_DETAILS_STATEMENTS = {
    True: text(
        _DETAILS.format(
            snippet="ts_headline('english', j.content, websearch_to_tsquery('english', :query), "
            f"'{SEARCH_HEADLINE}')"
        )
    ),
    False: text(_DETAILS.format(snippet="''")),
}


@dataclass(frozen=True)
class JournalMatch:
    id: uuid.UUID
    score: float
    title: str | None
    snippet: str


class JournalSearchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def full_text(
        self, user_id: uuid.UUID, query: str, *, limit: int, snippets: bool
    ) -> list[JournalMatch]:
        """The user's entries matching `query`, best first."""
        rows = await self.session.execute(
            _FULL_TEXT_STATEMENTS[snippets], {"query": query, "user_id": user_id, "limit": limit}
        )
        return [JournalMatch(r[0], float(r[1]), r[2], r[3]) for r in rows]

    async def details(
        self, user_id: uuid.UUID, ids: Sequence[uuid.UUID], query: str, *, snippets: bool
    ) -> dict[uuid.UUID, tuple[str | None, str]]:
        """Title and snippet of those of `ids` that are the user's entries."""
        rows = await self.session.execute(
            _DETAILS_STATEMENTS[snippets], {"ids": list(ids), "user_id": user_id, "query": query}
        )
        return {r[0]: (r[1], r[2]) for r in rows}
