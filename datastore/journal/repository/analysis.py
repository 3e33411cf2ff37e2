"""AI results: embeddings, sentiment, emotions and topic assignments.

The journal owns the `embeddings` table for both of its sources: vectors of journal
entries (JOURNAL) and of pod notes (POD), both written by the journal's AI worker. Every
query over it lives here; the unified search reads nearest neighbours and similar entries
through this repository. Which pod notes may have a vector is the pod's rule
(datastore/pod/repository/embeddable.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from pgvector.sqlalchemy import Vector
from sqlalchemy import ColumnElement, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.tables import (
    Embedding,
    EmbeddingChunk,
    JournalEmotions,
    JournalEntryTopic,
    JournalSentiment,
    Topic,
)
from datastore.kit.ai.sentiment import Sentiment
from datastore.kit.postgres import rowcount

MAX_TOPICS_PER_ENTRY = 3
_vector = bindparam("vector", type_=Vector())
# One adopter of a new EMBEDDING_MODEL at a time (datastore/journal/service/ai_worker.py).
_ADOPTION_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended('embeddings:adopt', 0))")

# Each entry's best topics: up to MAX_TOPICS_PER_ENTRY of those close enough, a discovered
# topic (a centroid of my entries) only from the join relevance, and always the nearest
# system or own topic, so no entry is left without one. Assignments to topics I curated
# (renamed or merged) are kept by the caller.
_ASSIGN_ENTRIES = text(
    """
    INSERT INTO journal_entry_topics (entry_id, topic_id, user_id, relevance)
    SELECT entry_id, topic_id, user_id, relevance FROM (
        SELECT e.entry_id, t.id AS topic_id, e.user_id, t.discovered,
               1 - (t.embedding <=> e.embedding) AS relevance,
               row_number() OVER (
                   PARTITION BY e.entry_id ORDER BY t.embedding <=> e.embedding, t.id
               ) AS rank,
               row_number() OVER (
                   PARTITION BY e.entry_id, t.discovered ORDER BY t.embedding <=> e.embedding, t.id
               ) AS kind_rank
        FROM embeddings e
        JOIN topics t ON (t.user_id IS NULL OR t.user_id = e.user_id) AND t.embedding IS NOT NULL
          AND vector_dims(t.embedding) = vector_dims(e.embedding)
        WHERE e.source = 'JOURNAL' AND e.user_id = :user_id AND e.entry_id = ANY(:entry_ids)
    ) ranked
    WHERE rank <= :max_topics
      AND CASE WHEN discovered THEN relevance >= :join_relevance
               ELSE relevance >= :min_relevance OR kind_rank = 1 END
    ON CONFLICT (entry_id, topic_id) DO UPDATE SET relevance = excluded.relevance
    """
)

_DROP_UNCURATED = text(
    """
    DELETE FROM journal_entry_topics jt USING topics t
    WHERE jt.topic_id = t.id AND jt.entry_id = ANY(:entry_ids) AND NOT t.curated
    """
)

# A new topic of a user: rank it against that user's entries, and for system topics
# against everyone's (a migration adds them once).
_ASSIGN_TOPIC = text(
    """
    INSERT INTO journal_entry_topics (entry_id, topic_id, user_id, relevance)
    SELECT e.entry_id, :topic_id, e.user_id, 1 - (e.embedding <=> :vector)
    FROM embeddings e
    WHERE e.source = 'JOURNAL' AND (CAST(:user_id AS uuid) IS NULL OR e.user_id = :user_id)
      AND vector_dims(e.embedding) = vector_dims(CAST(:vector AS vector))
      AND 1 - (e.embedding <=> :vector) >= :min_relevance
    ON CONFLICT (entry_id, topic_id) DO UPDATE SET relevance = excluded.relevance
    """
).bindparams(_vector)


# Max-sim: an entry scores as its best passage (chunk 0 is its whole text). Vectors of
# another model (a deployment switching EMBEDDING_MODEL, before the worker re-embeds them)
# are skipped, never compared: the dimension check is what keeps the query from failing.
_NEAREST = text(
    """
    SELECT c.source, c.entry_id, max(1 - (c.embedding <=> :vector)) AS score
    FROM embedding_chunks c
    WHERE c.user_id = :user_id AND c.source = ANY(:sources)
      AND vector_dims(c.embedding) = vector_dims(CAST(:vector AS vector))
    GROUP BY c.source, c.entry_id
    ORDER BY score DESC, c.entry_id
    LIMIT :limit
    """
).bindparams(_vector)

_SIMILAR_JOURNAL_ENTRIES = text(
    """
    SELECT e.entry_id, 1 - (e.embedding <=> s.embedding) AS score
    FROM embeddings s JOIN embeddings e
      ON e.user_id = s.user_id AND e.source = 'JOURNAL' AND e.entry_id <> s.entry_id
     AND e.model = s.model
    WHERE s.source = 'JOURNAL' AND s.entry_id = :entry_id AND s.user_id = :user_id
    ORDER BY e.embedding <=> s.embedding, e.entry_id
    LIMIT :limit OFFSET :offset
    """
)


class AnalysisRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def embedding_hashes(
        self, source: str, ids: Sequence[uuid.UUID], *, model: str
    ) -> dict[uuid.UUID, str]:
        """The text hash of each of `ids` that has a vector of `model` (a vector of another
        model, written by a process on the old EMBEDDING_MODEL, counts as none)."""
        rows = await self.session.execute(
            select(Embedding.entry_id, Embedding.content_hash).where(
                Embedding.source == source, Embedding.entry_id.in_(ids), Embedding.model == model
            )
        )
        return {entry_id: digest for entry_id, digest in rows}

    async def save_embedding(
        self,
        source: str,
        entry_id: uuid.UUID,
        user_id: uuid.UUID,
        *,
        model: str,
        content_hash: str,
        vector: Sequence[float],
    ) -> None:
        values = {
            "model": model,
            "content_hash": content_hash,
            "embedding": list(vector),
            "updated_at": text("now()"),
        }
        statement = insert(Embedding).values(
            source=source, entry_id=entry_id, user_id=user_id, **values
        )
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=["source", "entry_id"], set_=values)
        )

    async def save_chunks(
        self,
        source: str,
        entry_id: uuid.UUID,
        user_id: uuid.UUID,
        vectors: Sequence[Sequence[float]],
    ) -> None:
        """Replace the entry's passage vectors (after `save_embedding`, same transaction)."""
        await self.session.execute(
            delete(EmbeddingChunk).where(
                EmbeddingChunk.source == source, EmbeddingChunk.entry_id == entry_id
            )
        )
        await self.session.execute(
            insert(EmbeddingChunk),
            [
                {
                    "source": source,
                    "entry_id": entry_id,
                    "chunk": n,
                    "user_id": user_id,
                    "embedding": list(vector),
                }
                for n, vector in enumerate(vectors)
            ],
        )

    async def lock_model_adoption(self) -> None:
        """Until the transaction ends: no other process adopts an embedding model."""
        await self.session.execute(_ADOPTION_LOCK)

    async def stores_other_models(self, model: str, dimensions: int) -> bool:
        """Whether a vector another model than `model` wrote is stored, or a topic vector
        of other `dimensions` (read only, no lock). The lowest and the highest model name
        are two lookups in ix_embeddings_model; both are `model` when no other is stored."""
        lowest, highest = func.min(Embedding.model), func.max(Embedding.model)
        foreign = select((lowest != model) | (highest != model)).scalar_subquery()
        stale = (
            select(Topic.id)
            .where(Topic.embedding.is_not(None), func.vector_dims(Topic.embedding) != dimensions)
            .limit(1)
        )
        found = await self.session.execute(select(func.coalesce(foreign, False) | stale.exists()))
        return bool(found.scalar_one())

    async def drop_other_models(self, model: str, dimensions: int) -> int:
        """Delete the vectors another embedding model wrote (their passages cascade) and
        the topic vectors that cannot be compared with `model`'s; how many vectors went."""
        statement = delete(Embedding).where(Embedding.model != model)
        dropped = rowcount(await self.session.execute(statement))
        stale: list[ColumnElement[bool]] = [Topic.embedding.is_not(None)]
        if not dropped:  # else every topic vector is of the model that is going
            stale.append(func.vector_dims(Topic.embedding) != dimensions)
        await self.session.execute(update(Topic).where(*stale).values(embedding=None))
        return dropped

    async def touch_embeddings(self, source: str, ids: Sequence[uuid.UUID]) -> None:
        """Mark vectors as checked against their text now (it had not changed)."""
        await self.session.execute(
            update(Embedding)
            .where(Embedding.source == source, Embedding.entry_id.in_(ids))
            .values(updated_at=func.now())
        )

    async def drop_embedding(self, source: str, entry_id: uuid.UUID) -> None:
        await self.session.execute(
            delete(Embedding).where(Embedding.source == source, Embedding.entry_id == entry_id)
        )

    async def embedding_of(self, source: str, entry_id: uuid.UUID) -> list[float] | None:
        row = await self.session.execute(
            select(Embedding.embedding).where(
                Embedding.source == source, Embedding.entry_id == entry_id
            )
        )
        vector = row.scalar_one_or_none()
        return None if vector is None else list(vector)

    async def nearest(
        self,
        user_id: uuid.UUID,
        vector: Sequence[float],
        *,
        sources: Sequence[str],
        limit: int,
    ) -> list[tuple[str, uuid.UUID, float]]:
        """The user's entries of `sources` nearest to `vector` (source, entry id, cosine
        similarity of the entry's best passage), an exact scan of the caller's passage
        vectors, nearest first."""
        rows = await self.session.execute(
            _NEAREST,
            {"vector": list(vector), "user_id": user_id, "sources": list(sources), "limit": limit},
        )
        return [(r[0], r[1], float(r[2])) for r in rows]

    async def similar_journal_entries(
        self, user_id: uuid.UUID, entry_id: uuid.UUID, *, limit: int, offset: int
    ) -> list[tuple[uuid.UUID, float]]:
        """The user's other journal entries nearest to `entry_id`'s vector, with scores."""
        rows = await self.session.execute(
            _SIMILAR_JOURNAL_ENTRIES,
            {"entry_id": entry_id, "user_id": user_id, "limit": limit, "offset": offset},
        )
        return [(r[0], float(r[1])) for r in rows]

    async def save_sentiment(
        self, entry_id: uuid.UUID, *, model: str, sentiment: Sentiment, content_hash: str
    ) -> None:
        values = {
            "label": sentiment.label,
            "confidence": sentiment.confidence,
            "compound": sentiment.compound,
            "content_hash": content_hash,
        }
        statement = insert(JournalSentiment).values(entry_id=entry_id, model=model, **values)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=["entry_id", "model"], set_=values)
        )

    async def save_emotions(
        self, entry_id: uuid.UUID, *, model: str, scores: dict[str, float], content_hash: str
    ) -> None:
        values = {
            **scores,
            "dominant": max(scores, key=lambda e: scores[e]),
            "content_hash": content_hash,
        }
        statement = insert(JournalEmotions).values(entry_id=entry_id, model=model, **values)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=["entry_id", "model"], set_=values)
        )

    async def assign_topics(
        self,
        user_id: uuid.UUID,
        entry_ids: Sequence[uuid.UUID],
        *,
        min_relevance: float,
        join_relevance: float,
    ) -> None:
        """(Re)assign the best topics of the user's embedded `entry_ids`."""
        ids = list(entry_ids)
        await self.session.execute(_DROP_UNCURATED, {"entry_ids": ids})
        await self.session.execute(
            _ASSIGN_ENTRIES,
            {
                "entry_ids": ids,
                "user_id": user_id,
                "min_relevance": min_relevance,
                "join_relevance": join_relevance,
                "max_topics": MAX_TOPICS_PER_ENTRY,
            },
        )

    async def topics_without_embedding(self, *, limit: int) -> list[Topic]:
        rows = await self.session.execute(
            select(Topic).where(Topic.embedding.is_(None)).limit(limit)
        )
        return list(rows.scalars())

    async def embed_topic(
        self, topic: Topic, vector: Sequence[float], *, min_relevance: float
    ) -> None:
        await self.session.execute(
            text("UPDATE topics SET embedding = :vector WHERE id = :id").bindparams(_vector),
            {"vector": list(vector), "id": topic.id},
        )
        await self.session.execute(
            _ASSIGN_TOPIC,
            {
                "topic_id": topic.id,
                "user_id": topic.user_id,
                "vector": list(vector),
                "min_relevance": min_relevance,
            },
        )

    async def sentiments_by_entry_ids(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[JournalSentiment]]:
        rows = await self.session.execute(
            select(JournalSentiment).where(JournalSentiment.entry_id.in_(ids))
        )
        found: dict[uuid.UUID, list[JournalSentiment]] = {}
        for row in rows.scalars():
            found.setdefault(row.entry_id, []).append(row)
        return found

    async def emotions_by_entry_ids(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[JournalEmotions]]:
        rows = await self.session.execute(
            select(JournalEmotions).where(JournalEmotions.entry_id.in_(ids))
        )
        found: dict[uuid.UUID, list[JournalEmotions]] = {}
        for row in rows.scalars():
            found.setdefault(row.entry_id, []).append(row)
        return found

    async def topics_by_entry_ids(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[tuple[Topic, float]]]:
        """Each entry's topics: pinned ones (mine) first, then the most relevant."""
        rows = await self.session.execute(
            select(JournalEntryTopic.entry_id, Topic, JournalEntryTopic.relevance)
            .join(Topic, Topic.id == JournalEntryTopic.topic_id)
            .where(JournalEntryTopic.entry_id.in_(ids))
            .order_by(Topic.pinned.desc(), JournalEntryTopic.relevance.desc())
        )
        found: dict[uuid.UUID, list[tuple[Topic, float]]] = {}
        for entry_id, topic, relevance in rows:
            found.setdefault(entry_id, []).append((topic, relevance))
        return found
