"""Full-text and vector search over one user's journal entries and pod entries.

Full text ranks with `ts_rank_cd` over the stored, weighted tsvectors (title A, body B);
semantic ranks by cosine similarity of 384-dimension unit vectors, scanning only the
caller's rows (exact, so never a missed result); hybrid fuses both rankings (fusion.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from pgvector.sqlalchemy import Vector
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.tables import EMBEDDING_DIMENSIONS
from datastore.search.pod import EMBEDDABLE, VISIBLE

JOURNAL = "JOURNAL"
HEADLINE = "StartSel=<mark>, StopSel=</mark>, MaxWords=24, MinWords=8, MaxFragments=2"
_vector = bindparam("vector", type_=Vector(EMBEDDING_DIMENSIONS))


@dataclass(frozen=True)
class Hit:
    source: str  # JOURNAL or POD
    id: uuid.UUID
    score: float
    kind: str = JOURNAL  # the pod entry's kind (NOTE, ...) for pod hits
    title: str | None = None
    snippet: str = ""


_JOURNAL_FTS = """
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
_JOURNAL_HEADLINE = f"ts_headline('english', j.content, q.q, '{HEADLINE}')"
# Snippets cost more than ranking: HYBRID ranks deep without them and adds them to its page.
_FTS_WITH_SNIPPETS = text(_JOURNAL_FTS.format(snippet=_JOURNAL_HEADLINE))
_FTS_WITHOUT_SNIPPETS = text(_JOURNAL_FTS.format(snippet="''"))

_SEMANTIC = text(
    """
    SELECT e.source, e.entry_id, 1 - (e.embedding <=> :vector) AS score
    FROM embeddings e
    WHERE e.user_id = :user_id AND e.source = ANY(:sources)
    ORDER BY e.embedding <=> :vector, e.entry_id
    LIMIT :limit
    """
).bindparams(_vector)

_JOURNAL_DETAILS = """
    SELECT j.id, j.title, {snippet}
    FROM journal_entries j WHERE j.id = ANY(:ids) AND j.user_id = :user_id
"""
_DETAILS_WITH_SNIPPETS = text(
    _JOURNAL_DETAILS.format(
        snippet="ts_headline('english', j.content, websearch_to_tsquery('english', :query), "
        f"'{HEADLINE}')"
    )
)
_DETAILS_WITHOUT_SNIPPETS = text(_JOURNAL_DETAILS.format(snippet="''"))

_POD_FTS = f"""
    WITH q AS (SELECT websearch_to_tsquery('english', :query) AS q)
    SELECT p.id, ts_rank_cd(p.search, q.q) AS score, p.kind, p.title, {{snippet}}
    FROM entries p, q
    WHERE p.user_id = :user_id AND p.search @@ q.q AND {VISIBLE} AND p.kind = ANY(:kinds)
    ORDER BY score DESC, p.id LIMIT :limit
"""  # noqa: S608
_POD_FTS_WITH_SNIPPETS = text(
    _POD_FTS.format(snippet=f"ts_headline('english', coalesce(p.body, ''), q.q, '{HEADLINE}')")
)
_POD_FTS_WITHOUT_SNIPPETS = text(_POD_FTS.format(snippet="''"))

_POD_DETAILS = """
    SELECT p.id, p.kind, p.title, {snippet}
    FROM entries p
    WHERE p.id = ANY(:ids) AND p.user_id = :user_id AND {allowed} AND p.kind = ANY(:kinds)
"""
_POD_HEADLINE = (
    "ts_headline('english', coalesce(p.body, ''), websearch_to_tsquery('english', :query), "
    f"'{HEADLINE}')"
)
# Semantic hits must still be embeddable; a page ranked by HYBRID only visible.
_POD_DETAILS_STATEMENTS = {
    (snippets, embeddable): text(
        _POD_DETAILS.format(
            snippet=_POD_HEADLINE if snippets else "''",
            allowed=EMBEDDABLE if embeddable else VISIBLE,
        )
    )
    for snippets in (True, False)
    for embeddable in (True, False)
}


class SearchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def full_text(
        self,
        user_id: uuid.UUID,
        query: str,
        *,
        kinds: Sequence[str],
        limit: int,
        snippets: bool = True,
    ) -> list[Hit]:
        hits: list[Hit] = []
        if JOURNAL in kinds:
            statement = _FTS_WITH_SNIPPETS if snippets else _FTS_WITHOUT_SNIPPETS
            rows = await self.session.execute(
                statement, {"query": query, "user_id": user_id, "limit": limit}
            )
            hits.extend(Hit(JOURNAL, r[0], float(r[1]), JOURNAL, r[2], r[3]) for r in rows)
        pod_kinds = [k for k in kinds if k != JOURNAL]
        if pod_kinds:
            statement = _POD_FTS_WITH_SNIPPETS if snippets else _POD_FTS_WITHOUT_SNIPPETS
            rows = await self.session.execute(
                statement,
                {"query": query, "user_id": user_id, "kinds": pod_kinds, "limit": limit},
            )
            hits.extend(Hit("POD", r[0], float(r[1]), r[2], r[3], r[4]) for r in rows)
        hits.sort(key=lambda h: (-h.score, str(h.id)))
        return hits[:limit]

    async def semantic(
        self,
        user_id: uuid.UUID,
        vector: Sequence[float],
        query: str,
        *,
        kinds: Sequence[str],
        limit: int,
        snippets: bool = True,
    ) -> list[Hit]:
        """Nearest entries by cosine similarity, with their titles (and snippets)."""
        sources = [JOURNAL] if JOURNAL in kinds else []
        if any(k != JOURNAL for k in kinds):
            sources.append("POD")
        if not sources:
            return []
        # Pod vectors whose rows went away are dropped below; ask for a few more.
        rows = await self.session.execute(
            _SEMANTIC,
            {"vector": list(vector), "user_id": user_id, "sources": sources, "limit": limit + 10},
        )
        ranked = [(r[0], r[1], float(r[2])) for r in rows]
        details = await self._details(
            user_id, query, ranked, kinds, snippets=snippets, embeddable=True
        )
        hits = [
            Hit(source, entry_id, score, *details[(source, entry_id)])
            for source, entry_id, score in ranked
            if (source, entry_id) in details
        ]
        return hits[:limit]

    async def _details(
        self,
        user_id: uuid.UUID,
        query: str,
        ranked: list[tuple[str, uuid.UUID, float]],
        kinds: Sequence[str],
        *,
        snippets: bool,
        embeddable: bool,
    ) -> dict[tuple[str, uuid.UUID], tuple[str, str | None, str]]:
        """Kind, title and snippet of each ranked row that is still there and visible."""
        found: dict[tuple[str, uuid.UUID], tuple[str, str | None, str]] = {}
        journal_ids = [i for s, i, _ in ranked if s == JOURNAL]
        if journal_ids:
            statement = _DETAILS_WITH_SNIPPETS if snippets else _DETAILS_WITHOUT_SNIPPETS
            rows = await self.session.execute(
                statement, {"ids": journal_ids, "user_id": user_id, "query": query}
            )
            found.update({(JOURNAL, r[0]): (JOURNAL, r[1], r[2]) for r in rows})
        pod_ids = [i for s, i, _ in ranked if s == "POD"]
        if pod_ids:
            rows = await self.session.execute(
                _POD_DETAILS_STATEMENTS[(snippets, embeddable)],
                {"ids": pod_ids, "user_id": user_id, "query": query, "kinds": list(kinds)},
            )
            found.update({("POD", r[0]): (r[1], r[2], r[3]) for r in rows})
        return found

    async def with_snippets(
        self, user_id: uuid.UUID, query: str, hits: Sequence[Hit], *, kinds: Sequence[str]
    ) -> list[Hit]:
        """`hits` with their highlighted snippets (for a page ranked without them)."""
        ranked = [(h.source, h.id, h.score) for h in hits]
        details = await self._details(
            user_id, query, ranked, kinds, snippets=True, embeddable=False
        )
        return [
            Hit(h.source, h.id, h.score, *details[(h.source, h.id)])
            for h in hits
            if (h.source, h.id) in details
        ]

    async def similar_entries(
        self, user_id: uuid.UUID, entry_id: uuid.UUID, *, limit: int, offset: int
    ) -> list[tuple[uuid.UUID, float]]:
        """The caller's other journal entries nearest to `entry_id`'s vector."""
        rows = await self.session.execute(
            text(
                """
                SELECT e.entry_id, 1 - (e.embedding <=> s.embedding) AS score
                FROM embeddings s JOIN embeddings e
                  ON e.user_id = s.user_id AND e.source = 'JOURNAL' AND e.entry_id <> s.entry_id
                WHERE s.source = 'JOURNAL' AND s.entry_id = :entry_id AND s.user_id = :user_id
                ORDER BY e.embedding <=> s.embedding, e.entry_id
                LIMIT :limit OFFSET :offset
                """
            ),
            {"entry_id": entry_id, "user_id": user_id, "limit": limit, "offset": offset},
        )
        return [(r[0], float(r[1])) for r in rows]
