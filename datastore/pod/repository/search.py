"""The pod's share of the unified search over journal and pod (datastore/search).

Ranked full-text matches over the stored, weighted tsvector `search`, and the kind, title
and snippet of rows another ranking found. Every statement filters by the caller. The
pod's own entry search, with keyset pages and the user's language, is `pages.search_page`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.postgres import SEARCH_HEADLINE
from datastore.pod.repository.embeddable import EMBEDDABLE, VISIBLE

_FULL_TEXT = f"""
    WITH q AS (SELECT websearch_to_tsquery('english', :query) AS q)
    SELECT p.id, ts_rank_cd(p.search, q.q) AS score, p.kind, p.title, {{snippet}}
    FROM entries p, q
    WHERE p.user_id = :user_id AND p.search @@ q.q AND {VISIBLE} AND p.kind = ANY(:kinds)
    ORDER BY score DESC, p.id LIMIT :limit
"""  # noqa: S608
# Snippets cost more than ranking: HYBRID ranks deep without them and adds them to its page.
_FULL_TEXT_STATEMENTS = {
    True: text(
        _FULL_TEXT.format(
            snippet=f"ts_headline('english', coalesce(p.body, ''), q.q, '{SEARCH_HEADLINE}')"
        )
    ),
    False: text(_FULL_TEXT.format(snippet="''")),
}

_DETAILS = """
    SELECT p.id, p.kind, p.title, {snippet}
    FROM entries p
    WHERE p.id = ANY(:ids) AND p.user_id = :user_id AND {allowed} AND p.kind = ANY(:kinds)
"""
_HEADLINE = (
    "ts_headline('english', coalesce(p.body, ''), websearch_to_tsquery('english', :query), "
    f"'{SEARCH_HEADLINE}')"
)
# Semantic hits must still be embeddable; a page ranked by HYBRID only visible.
_DETAILS_STATEMENTS = {
    (snippets, embeddable): text(
        _DETAILS.format(
            snippet=_HEADLINE if snippets else "''",
            allowed=EMBEDDABLE if embeddable else VISIBLE,
        )
    )
    for snippets in (True, False)
    for embeddable in (True, False)
}


@dataclass(frozen=True)
class PodMatch:
    id: uuid.UUID
    score: float
    kind: str
    title: str
    snippet: str


class PodSearchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def full_text(
        self,
        user_id: uuid.UUID,
        query: str,
        *,
        kinds: Sequence[str],
        limit: int,
        snippets: bool,
    ) -> list[PodMatch]:
        """The user's visible entries of `kinds` matching `query`, best first."""
        rows = await self.session.execute(
            _FULL_TEXT_STATEMENTS[snippets],
            {"query": query, "user_id": user_id, "kinds": list(kinds), "limit": limit},
        )
        return [PodMatch(r[0], float(r[1]), r[2], r[3], r[4]) for r in rows]

    async def details(
        self,
        user_id: uuid.UUID,
        ids: Sequence[uuid.UUID],
        query: str,
        *,
        kinds: Sequence[str],
        snippets: bool,
        embeddable: bool,
    ) -> dict[uuid.UUID, tuple[str, str, str]]:
        """Kind, title and snippet of those of `ids` that are the user's and still visible
        (and embeddable, when asked) entries of `kinds`."""
        rows = await self.session.execute(
            _DETAILS_STATEMENTS[(snippets, embeddable)],
            {"ids": list(ids), "user_id": user_id, "query": query, "kinds": list(kinds)},
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}
