"""The pod's share of the unified search over journal and pod (datastore/search).

Ranked full-text matches (BM25 over the stored, weighted tsvector `search`, stemmed in the
user's search language; datastore/kit/fulltext.py), the kind, title and snippet of rows
another ranking found, and the indexed words of notes (for the user's search vocabulary).
Every statement filters by the caller. The pod's own entry search, with keyset pages and
the user's language, is `pages.search_page`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.fulltext import USER_LANGUAGE, any_word_query, bm25_statement
from datastore.kit.postgres import SEARCH_HEADLINE
from datastore.pod.repository.embeddable import EMBEDDABLE, VISIBLE

_FULL_TEXT = bm25_statement(
    table="entries",
    vector="search",
    length="length(p.search)",
    owner_filter=f"p.user_id = :user_id AND {VISIBLE} AND p.kind = ANY(:kinds)",
    config=USER_LANGUAGE,
    columns="p.kind, p.title, {snippet}",
    alias="p",
)
# Snippets cost more than ranking: HYBRID ranks deep without them and adds them to its page.
_FULL_TEXT_STATEMENTS = {
    True: text(
        _FULL_TEXT.format(
            snippet=f"ts_headline({USER_LANGUAGE}, coalesce(p.body, ''), q.q, '{SEARCH_HEADLINE}')"
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
    f"ts_headline({USER_LANGUAGE}, coalesce(p.body, ''), {any_word_query(USER_LANGUAGE)}, "
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
_TERMS = text(
    "SELECT DISTINCT p.user_id, unnest(tsvector_to_array(p.search)) FROM entries p "
    "WHERE p.id = ANY(:ids)"
)


@dataclass(frozen=True)
class PodMatch:
    id: uuid.UUID
    score: float
    coverage: float
    kind: str
    title: str
    snippet: str


class PodSearchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def full_text(
        self,
        user_id: uuid.UUID,
        terms: Sequence[str],
        words: str,
        constraints: str,
        *,
        kinds: Sequence[str],
        limit: int,
        snippets: bool,
    ) -> list[PodMatch]:
        """The user's visible entries of `kinds` matching any of `terms` or of `words` (stemmed
        in the user's language), and `constraints`, best first."""
        rows = await self.session.execute(
            _FULL_TEXT_STATEMENTS[snippets],
            {
                "terms": list(terms),
                "words": words,
                "constraints": constraints,
                "user_id": user_id,
                "kinds": list(kinds),
                "limit": limit,
            },
        )
        return [PodMatch(r[0], float(r[1]), float(r[2]), r[3], r[4], r[5]) for r in rows]

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

    async def terms_by_user(self, ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, str]]:
        """(owner, indexed word) of these entries: for the owners' search vocabularies."""
        if not ids:
            return []
        rows = await self.session.execute(_TERMS, {"ids": list(ids)})
        return [(r[0], r[1]) for r in rows]
