"""Runs AI jobs: embeddings (journal entries and pod notes), sentiment, emotions, topics.

Jobs are leased in a short transaction, the model runs in its own thread with no database
transaction open, and results are written in one transaction per batch. Text whose hash
matches the stored embedding is not embedded again.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import text

from datastore.journal.repository import JournalEntryRepository
from datastore.journal.repository.analysis import AnalysisRepository
from datastore.journal.repository.jobs import EMBED_JOURNAL, EMBED_POD, AIJobRepository, ClaimedJob
from datastore.kit.ai.emotions import EMOTION_MODEL
from datastore.kit.ai.sentiment import SENTIMENT_MODEL, analyze_sentiment
from datastore.kit.ai.text import content_hash, embed_text
from datastore.search.pod import EMBEDDABLE

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from datastore.insights.cache import InsightsCache
    from datastore.kit.ai.embedder import Embedder
    from datastore.kit.ai.emotions import EmotionScorer
    from datastore.kit.clients import Clients
    from datastore.outbox.repository import PendingEvent

log = structlog.get_logger("personalpod.ai")

_EMBEDDABLE_NOTES = text(
    "SELECT p.id, p.user_id, p.title, p.body FROM entries p "  # noqa: S608
    f"WHERE p.id = ANY(:ids) AND {EMBEDDABLE}"
)
_ENQUEUE_STALE_NOTES = text(
    "INSERT INTO ai_jobs (kind, target_id, user_id) "  # noqa: S608
    "SELECT 'embed_pod', p.id, p.user_id FROM entries p "
    "LEFT JOIN embeddings e ON e.source = 'POD' AND e.entry_id = p.id "
    f"WHERE {EMBEDDABLE} AND (e.entry_id IS NULL OR p.updated_at > e.updated_at) "
    "ON CONFLICT (kind, target_id) DO NOTHING"
)


class AIWorker:
    def __init__(
        self,
        clients: Clients,
        embedder: Embedder,
        emotions: EmotionScorer,
        insights: InsightsCache,
    ) -> None:
        self.db = clients.db
        self.settings = clients.settings.journal
        self.embedder = embedder
        self.emotions = emotions
        self.insights = insights
        self._last_sweep = 0.0

    async def run(self) -> None:
        """Load the model in the background, then process jobs forever."""
        await self.embedder.warm_up()
        while True:
            try:
                await self._sweep_if_due()
                await self._embed_topics()
                while await self.run_once():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("ai_worker_failed")
            await asyncio.sleep(self.settings.ai_poll_seconds)

    async def run_once(self) -> int:
        """Process one batch of jobs; how many were claimed."""
        async with self.db() as session, session.begin():
            jobs = await AIJobRepository(session).claim(limit=self.settings.ai_batch)
        if not jobs:
            return 0
        await self._embed_journal([j for j in jobs if j.kind == EMBED_JOURNAL])
        await self._embed_pod([j for j in jobs if j.kind == EMBED_POD])
        async with self.db() as session, session.begin():
            repository = AIJobRepository(session)
            for job in jobs:
                await repository.finish(job)
        for user_id in {j.user_id for j in jobs}:
            await self.insights.invalidate(user_id)
        return len(jobs)

    async def _embed_journal(self, jobs: Sequence[ClaimedJob]) -> None:
        if not jobs:
            return
        async with self.db() as session:
            rows = await JournalEntryRepository(session).list_by_ids([j.target_id for j in jobs])
            known = await AnalysisRepository(session).embedding_hashes(
                "JOURNAL", [r.id for r in rows]
            )
        texts = {row.id: embed_text(row.title, row.content) for row in rows}
        changed = [r for r in rows if known.get(r.id) != content_hash(texts[r.id])]
        if not changed:
            return
        vectors = await self.embedder.encode([texts[r.id] for r in changed])
        results = []
        for row, vector in zip(changed, vectors, strict=True):
            sentiment = await asyncio.to_thread(analyze_sentiment, row.content)
            emotions = await self.emotions.score(vector)
            results.append((row, vector, sentiment, emotions))
        async with self.db() as session, session.begin():
            analysis = AnalysisRepository(session)
            for row, vector, sentiment, emotions in results:
                digest = content_hash(texts[row.id])
                if not await _still_exists(session, row.id):
                    continue
                await analysis.save_embedding(
                    "JOURNAL",
                    row.id,
                    row.user_id,
                    model=self.embedder.name,
                    content_hash=digest,
                    vector=vector,
                )
                await analysis.save_sentiment(
                    row.id, model=SENTIMENT_MODEL, sentiment=sentiment, content_hash=digest
                )
                await analysis.save_emotions(
                    row.id, model=EMOTION_MODEL, scores=emotions, content_hash=digest
                )
                await analysis.assign_topics(
                    row.id, row.user_id, vector, min_relevance=self.settings.topic_min_relevance
                )

    async def _embed_pod(self, jobs: Sequence[ClaimedJob]) -> None:
        if not jobs:
            return
        async with self.db() as session:
            rows = (
                await session.execute(_EMBEDDABLE_NOTES, {"ids": [j.target_id for j in jobs]})
            ).all()
            known = await AnalysisRepository(session).embedding_hashes("POD", [r[0] for r in rows])
        eligible = {r[0] for r in rows}
        texts = {r[0]: embed_text(r[2], r[3]) for r in rows}
        changed = [r for r in rows if known.get(r[0]) != content_hash(texts[r[0]])]
        vectors = await self.embedder.encode([texts[r[0]] for r in changed])
        async with self.db() as session, session.begin():
            analysis = AnalysisRepository(session)
            # Deleted, trashed or now-sensitive notes lose their vector.
            for job in jobs:
                if job.target_id not in eligible:
                    await analysis.drop_embedding("POD", job.target_id)
            # Unchanged text: stamp the vector so the sweep stops offering it.
            await analysis.touch_embeddings("POD", [r[0] for r in rows if r not in changed])
            for row, vector in zip(changed, vectors, strict=True):
                await analysis.save_embedding(
                    "POD",
                    row[0],
                    row[1],
                    model=self.embedder.name,
                    content_hash=content_hash(texts[row[0]]),
                    vector=vector,
                )

    async def _embed_topics(self) -> None:
        async with self.db() as session:
            topics = await AnalysisRepository(session).topics_without_embedding(limit=32)
        if not topics:
            return
        vectors = await self.embedder.encode([f"{t.name}: {t.description}" for t in topics])
        async with self.db() as session, session.begin():
            analysis = AnalysisRepository(session)
            for topic, vector in zip(topics, vectors, strict=True):
                await analysis.embed_topic(
                    topic, vector, min_relevance=self.settings.topic_min_relevance
                )
        for user_id in {t.user_id for t in topics if t.user_id}:
            await self.insights.invalidate(user_id)

    async def _sweep_if_due(self) -> None:
        if time.monotonic() - self._last_sweep < self.settings.pod_sweep_seconds:
            return
        self._last_sweep = time.monotonic()
        await self.sweep_pod_notes()

    async def sweep_pod_notes(self) -> int:
        """Enqueue pod notes with no vector or edited since: catches events we missed."""
        async with self.db() as session, session.begin():
            result = await session.execute(_ENQUEUE_STALE_NOTES)
            return result.rowcount or 0

    async def enqueue_pod_embeddings(self, events: Sequence[PendingEvent]) -> None:
        """An outbox sink: committed pod writes enqueue their embedding jobs."""
        targets = [
            (uuid.UUID(entry_id), event.user_id)
            for event in events
            if event.topic.startswith(("pod.entry", "entry."))
            and (entry_id := _pod_entry_id(event.payload)) is not None
        ]
        if not targets:
            return
        try:
            async with self.db() as session, session.begin():
                jobs = AIJobRepository(session)
                for entry_id, user_id in targets:
                    await jobs.enqueue(EMBED_POD, entry_id, user_id)
        except Exception:
            # Never hold up the relay for other sinks: the pod sweep catches up.
            log.exception("pod_embedding_enqueue_failed")


async def _still_exists(session: AsyncSession, entry_id: object) -> bool:
    found = await session.execute(
        text("SELECT 1 FROM journal_entries WHERE id = :id FOR SHARE"), {"id": entry_id}
    )
    return found.first() is not None


def _pod_entry_id(payload: dict[str, Any]) -> str | None:
    for key in ("entityId", "entryId", "id"):
        value = payload.get(key)
        if isinstance(value, str):
            try:
                return str(uuid.UUID(value))
            except ValueError:
                return None
    return None
