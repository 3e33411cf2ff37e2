"""The journal's share of the unified search over journal and pod (datastore/search).

Ranked full-text matches (BM25 over the stored, weighted `search_vector`: title A, content
B, see datastore/kit/fulltext.py), the title and snippet of entries another ranking found,
and each user's vocabulary (`search_terms`), against which a misspelt query word is
matched by trigram similarity. Every statement filters by the caller.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.fulltext import USER_LANGUAGE, any_word_query, bm25_statement
from datastore.kit.postgres import SEARCH_HEADLINE

_FULL_TEXT = bm25_statement(
    table="journal_entries",
    vector="search_vector",
    length="j.word_count",
    owner_filter="j.user_id = :user_id",
    config=USER_LANGUAGE,
    columns="j.title, {snippet}",
    alias="j",
)
# Snippets cost more than ranking: HYBRID ranks deep without them and adds them to its page.
_FULL_TEXT_STATEMENTS = {
    True: text(
        _FULL_TEXT.format(
            snippet=f"ts_headline({USER_LANGUAGE}, j.content, q.q, '{SEARCH_HEADLINE}')"
        )
    ),
    False: text(_FULL_TEXT.format(snippet="''")),
}

_ANY_WORD = any_word_query(USER_LANGUAGE)
_DETAILS = """
    SELECT j.id, j.title, {snippet}
    FROM journal_entries j WHERE j.id = ANY(:ids) AND j.user_id = :user_id
"""
_DETAILS_STATEMENTS = {
    True: text(
        _DETAILS.format(
            snippet=f"ts_headline({USER_LANGUAGE}, j.content, {_ANY_WORD}, '{SEARCH_HEADLINE}')"
        )
    ),
    False: text(_DETAILS.format(snippet="''")),
}

# Each query word (stemmed as the index stems it) and the user's closest indexed words:
# itself when indexed, else those sharing enough trigrams (what pg_trgm's `%` would find).
_QUERY_TERMS = text(
    f"""
    WITH words AS (
        SELECT DISTINCT unnest(tsvector_to_array(to_tsvector({USER_LANGUAGE}, :words))) AS word
    )
    SELECT w.word, s.term, s.similarity
    FROM words w LEFT JOIN LATERAL (
        SELECT t.term, pp_trigram_similarity(t.trigrams, pp_trigrams(w.word)) AS similarity
        FROM search_terms t
        WHERE t.user_id = :user_id
          AND (t.term = w.word OR (length(w.word) >= :min_length
                                   AND t.trigrams && pp_trigrams(w.word)))
        ORDER BY t.term = w.word DESC, similarity DESC, t.term
        LIMIT :candidates
    ) s ON true
    """  # noqa: S608 (a constant expression; values are bound)
)
_ADD_TERMS_OF_ENTRIES = text(
    """
    INSERT INTO search_terms (user_id, term)
    SELECT DISTINCT j.user_id, unnest(tsvector_to_array(j.search_vector))
    FROM journal_entries j WHERE j.id = ANY(:ids)
    ON CONFLICT DO NOTHING
    """
)
_ADD_TERMS = text(
    """
    INSERT INTO search_terms (user_id, term)
    SELECT DISTINCT * FROM unnest(CAST(:user_ids AS uuid[]), CAST(:terms AS text[]))
    ON CONFLICT DO NOTHING
    """
)

# A word is a typo worth expanding only when it is not indexed, at least this long, and
# an indexed word shares at least this share of trigrams (pg_trgm's default limit is 0.3;
# stricter here, as an expansion is a guess).
FUZZY_MIN_LENGTH = 4
FUZZY_MIN_SIMILARITY = 0.45
FUZZY_EXPANSIONS = 2


@dataclass(frozen=True)
class JournalMatch:
    id: uuid.UUID
    score: float
    coverage: float
    title: str | None
    snippet: str


class JournalSearchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def query_terms(self, user_id: uuid.UUID, words: str) -> list[str]:
        """The lexemes to search for: each word of `words` the user has written, or, for a
        word they have not, up to two of their words it is probably a typo of."""
        if not words.strip():
            return []
        rows = await self.session.execute(
            _QUERY_TERMS,
            {
                "words": words,
                "user_id": user_id,
                "min_length": FUZZY_MIN_LENGTH,
                "candidates": FUZZY_EXPANSIONS + 1,
            },
        )
        found: dict[str, list[tuple[str, float]]] = {}
        for word, term, similarity in rows:
            found.setdefault(word, [])
            if term is not None:
                found[word].append((term, float(similarity)))
        terms: list[str] = []
        for word, candidates in found.items():
            if any(term == word for term, _ in candidates):
                terms.append(word)
                continue
            close = [t for t, s in candidates if s >= FUZZY_MIN_SIMILARITY][:FUZZY_EXPANSIONS]
            terms.extend(close or [word])
        return terms

    async def full_text(
        self,
        user_id: uuid.UUID,
        terms: Sequence[str],
        constraints: str,
        *,
        limit: int,
        snippets: bool,
    ) -> list[JournalMatch]:
        """The user's entries matching any of `terms` (and `constraints`), best first."""
        rows = await self.session.execute(
            _FULL_TEXT_STATEMENTS[snippets],
            {
                "terms": list(terms),
                "words": "",
                "constraints": constraints,
                "user_id": user_id,
                "limit": limit,
            },
        )
        return [JournalMatch(r[0], float(r[1]), float(r[2]), r[3], r[4]) for r in rows]

    async def details(
        self, user_id: uuid.UUID, ids: Sequence[uuid.UUID], query: str, *, snippets: bool
    ) -> dict[uuid.UUID, tuple[str | None, str]]:
        """Title and snippet of those of `ids` that are the user's entries."""
        rows = await self.session.execute(
            _DETAILS_STATEMENTS[snippets], {"ids": list(ids), "user_id": user_id, "query": query}
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    async def add_terms_of_entries(self, ids: Sequence[uuid.UUID]) -> None:
        """Add the indexed words of these entries to their owners' vocabularies."""
        if ids:
            await self.session.execute(_ADD_TERMS_OF_ENTRIES, {"ids": list(ids)})

    async def add_terms(self, terms: Sequence[tuple[uuid.UUID, str]]) -> None:
        """Add (user, word) pairs, e.g. the words of pod notes, to the vocabularies."""
        if terms:
            await self.session.execute(
                _ADD_TERMS,
                {"user_ids": [u for u, _ in terms], "terms": [t for _, t in terms]},
            )
