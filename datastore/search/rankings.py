"""Each ranking of the unified search, gathered from the domains that own the rows.

Full text parses the query (datastore/kit/fulltext.py), replaces words the user never
wrote by their likely spellings from the user's vocabulary, and ranks by BM25 over the
journal's and the pod's stored, weighted tsvectors (one statement each, merged by score);
semantic ranks by cosine similarity of 384-dimension unit vectors, an entry scoring as its
best passage, scanning only the caller's rows (exact, so never a missed result) in the
journal's `embedding_chunks`, then asks each domain which of its rows are still there.
The statements live in the owners' repositories: the journal's
(`repository/search.py`, `analysis.py`) and the pod's (`repository/search.py`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.repository.analysis import AnalysisRepository
from datastore.journal.repository.search import JournalSearchRepository
from datastore.kit.fulltext import parse_query
from datastore.pod.repository.search import PodSearchRepository
from datastore.search.hits import JOURNAL, POD, Hit

# Pod vectors whose rows went away are dropped after ranking; rank a few more.
_SPARE_VECTORS = 10


class Rankings:
    def __init__(self, session: AsyncSession) -> None:
        self.journal = JournalSearchRepository(session)
        self.pod = PodSearchRepository(session)
        self.vectors = AnalysisRepository(session)

    async def full_text(
        self,
        user_id: uuid.UUID,
        query: str,
        *,
        kinds: Sequence[str],
        limit: int,
        snippets: bool = True,
    ) -> list[Hit]:
        """The best `limit` matches of both domains, by score then id."""
        parsed = parse_query(query)
        if parsed.empty:
            return []
        terms = await self.journal.query_terms(user_id, parsed.words)
        hits: list[Hit] = []
        if JOURNAL in kinds:
            entries = await self.journal.full_text(
                user_id, terms, parsed.constraints, limit=limit, snippets=snippets
            )
            hits.extend(
                Hit(JOURNAL, m.id, m.score, JOURNAL, m.title, m.snippet, m.coverage)
                for m in entries
            )
        pod_kinds = [k for k in kinds if k != JOURNAL]
        if pod_kinds:
            pod_entries = await self.pod.full_text(
                user_id,
                terms,
                parsed.words,
                parsed.constraints,
                kinds=pod_kinds,
                limit=limit,
                snippets=snippets,
            )
            hits.extend(
                Hit(POD, m.id, m.score, m.kind, m.title, m.snippet, m.coverage) for m in pod_entries
            )
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
            sources.append(POD)
        if not sources:
            return []
        ranked = await self.vectors.nearest(
            user_id, vector, sources=sources, limit=limit + _SPARE_VECTORS
        )
        details = await self._details(
            user_id, query, ranked, kinds, snippets=snippets, embeddable=True
        )
        hits = [
            Hit(source, entry_id, score, *details[(source, entry_id)], strength=score)
            for source, entry_id, score in ranked
            if (source, entry_id) in details
        ]
        return hits[:limit]

    async def with_snippets(
        self, user_id: uuid.UUID, query: str, hits: Sequence[Hit], *, kinds: Sequence[str]
    ) -> list[Hit]:
        """`hits` with their highlighted snippets (for a page ranked without them)."""
        ranked = [(h.source, h.id, h.score) for h in hits]
        details = await self._details(
            user_id, query, ranked, kinds, snippets=True, embeddable=False
        )
        return [
            Hit(h.source, h.id, h.score, *details[(h.source, h.id)], strength=h.strength)
            for h in hits
            if (h.source, h.id) in details
        ]

    async def _details(
        self,
        user_id: uuid.UUID,
        query: str,
        ranked: Sequence[tuple[str, uuid.UUID, float]],
        kinds: Sequence[str],
        *,
        snippets: bool,
        embeddable: bool,
    ) -> dict[tuple[str, uuid.UUID], tuple[str, str | None, str]]:
        """Kind, title and snippet of each ranked row that is still there and visible."""
        found: dict[tuple[str, uuid.UUID], tuple[str, str | None, str]] = {}
        journal_ids = [i for s, i, _ in ranked if s == JOURNAL]
        if journal_ids:
            entries = await self.journal.details(user_id, journal_ids, query, snippets=snippets)
            found.update({(JOURNAL, i): (JOURNAL, t, s) for i, (t, s) in entries.items()})
        pod_ids = [i for s, i, _ in ranked if s == POD]
        if pod_ids:
            notes = await self.pod.details(
                user_id, pod_ids, query, kinds=kinds, snippets=snippets, embeddable=embeddable
            )
            found.update({(POD, i): detail for i, detail in notes.items()})
        return found
