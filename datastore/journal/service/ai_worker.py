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

from datastore.journal.repository import JournalEntryRepository
from datastore.journal.repository.analysis import AnalysisRepository
from datastore.journal.repository.jobs import EMBED_JOURNAL, EMBED_POD, AIJobRepository, ClaimedJob
from datastore.journal.repository.search import JournalSearchRepository
from datastore.journal.service.topic_discovery import TopicDiscovery
from datastore.kit.ai.emotions import EMOTION_MODEL
from datastore.kit.ai.sentiment import SENTIMENT_MODEL, analyze_sentiment
from datastore.kit.ai.text import content_hash, embed_text, passages
from datastore.pod.repository.embeddable import EmbeddableNoteRepository
from datastore.pod.repository.search import PodSearchRepository

if TYPE_CHECKING:
    from datastore.insights.cache import InsightsCache
    from datastore.kit.ai.embedder import Embedder
    from datastore.kit.ai.emotions import EmotionScorer
    from datastore.kit.clients import Clients
    from datastore.outbox.repository import PendingEvent

log = structlog.get_logger("personalpod.ai")


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
        self.topics = TopicDiscovery(clients)
        self._last_sweep = 0.0

    async def run(self) -> None:
        """Load the model in the background, then process jobs forever."""
        await self.adopt_embedding_model()
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

    async def adopt_embedding_model(self) -> int:
        """After EMBEDDING_MODEL changed: enqueue re-embedding of what the other model
        embedded and drop its vectors (vectors of two models cannot be compared; search
        finds the entries again as they are re-embedded, topics get vectors again first).
        How many vectors were dropped.

        Every worker start asks, so the usual answer (nothing to adopt) is one read that
        stops at the first foreign vector; the adoption itself holds an advisory lock, so
        processes starting together adopt one after the other (the later ones find nothing
        left to do)."""
        model, dimensions = self.embedder.name, self.embedder.dimensions
        async with self.db() as session, session.begin():
            analysis = AnalysisRepository(session)
            if not await analysis.stores_other_models(model, dimensions):
                return 0
            await analysis.lock_model_adoption()
            await AIJobRepository(session).enqueue_other_models(model)
            dropped = await analysis.drop_other_models(model, dimensions)
        if dropped:
            log.info("embedding_model_adopted", model=model, reembedding=dropped)
        return dropped

    async def run_once(self) -> int:
        """Process one batch of jobs; how many were claimed."""
        async with self.db() as session, session.begin():
            jobs = await AIJobRepository(session).claim(limit=self.settings.ai_batch)
        if not jobs:
            return 0
        await self._embed_journal([j for j in jobs if j.kind == EMBED_JOURNAL])
        await self._embed_pod([j for j in jobs if j.kind == EMBED_POD])
        await self.topics.run_due({j.user_id for j in jobs if j.kind == EMBED_JOURNAL})
        async with self.db() as session, session.begin():
            repository = AIJobRepository(session)
            finished = {job.user_id for job in jobs if await repository.finish(job)}
        # Not for a job that is gone: its account may have been purged meanwhile, and a new
        # version key would be a trace of it left in Redis.
        for user_id in finished:
            await self.insights.invalidate(user_id)
        return len(jobs)

    async def _embed_journal(self, jobs: Sequence[ClaimedJob]) -> None:
        if not jobs:
            return
        async with self.db() as session:
            rows = await JournalEntryRepository(session).list_by_ids([j.target_id for j in jobs])
            known = await AnalysisRepository(session).embedding_hashes(
                "JOURNAL", [r.id for r in rows], model=self.embedder.name
            )
        texts = {row.id: embed_text(row.title, row.content) for row in rows}
        changed = [r for r in rows if known.get(r.id) != content_hash(texts[r.id])]
        if not changed:
            return
        chunked = await self._encode_passages([(r.title, r.content) for r in changed])
        scored = await self.emotions.score_texts(
            [texts[r.id] for r in changed], [c[0] for c in chunked], self.embedder.name
        )
        results = []
        for row, chunks, emotions in zip(changed, chunked, scored, strict=True):
            sentiment = await asyncio.to_thread(analyze_sentiment, row.title, row.content, emotions)
            results.append((row, chunks, sentiment, emotions))
        async with self.db() as session, session.begin():
            analysis = AnalysisRepository(session)
            entries = JournalEntryRepository(session)
            saved = []
            for row, chunks, sentiment, emotions in results:
                vector = chunks[0]
                digest = content_hash(texts[row.id])
                if not await entries.exists_for_share(row.id):
                    continue
                saved.append(row.id)
                await analysis.save_embedding(
                    "JOURNAL",
                    row.id,
                    row.user_id,
                    model=self.embedder.name,
                    content_hash=digest,
                    vector=vector,
                )
                await analysis.save_chunks("JOURNAL", row.id, row.user_id, chunks)
                await analysis.save_sentiment(
                    row.id, model=SENTIMENT_MODEL, sentiment=sentiment, content_hash=digest
                )
                await analysis.save_emotions(
                    row.id, model=EMOTION_MODEL, scores=emotions, content_hash=digest
                )
                await analysis.assign_topics(
                    row.user_id,
                    [row.id],
                    min_relevance=self.settings.topic_min_relevance,
                    join_relevance=self.settings.topic_join_relevance,
                )
            await JournalSearchRepository(session).add_terms_of_entries(saved)

    async def _encode_passages(
        self, texts: Sequence[tuple[str | None, str | None]]
    ) -> list[list[list[float]]]:
        """Each text's vectors (whole text first, then its passages), in one model call."""
        runs = [passages(title, body) for title, body in texts]
        flat = await self.embedder.encode([p for run in runs for p in run])
        vectors: list[list[list[float]]] = []
        for run in runs:
            vectors.append(flat[: len(run)])
            flat = flat[len(run) :]
        return vectors

    async def _embed_pod(self, jobs: Sequence[ClaimedJob]) -> None:
        if not jobs:
            return
        async with self.db() as session:
            notes = await EmbeddableNoteRepository(session).list_by_ids([j.target_id for j in jobs])
            known = await AnalysisRepository(session).embedding_hashes(
                "POD", [n.id for n in notes], model=self.embedder.name
            )
        eligible = {n.id for n in notes}
        texts = {n.id: embed_text(n.title, n.body) for n in notes}
        changed = [n for n in notes if known.get(n.id) != content_hash(texts[n.id])]
        chunked = await self._encode_passages([(n.title, n.body) for n in changed])
        async with self.db() as session, session.begin():
            analysis = AnalysisRepository(session)
            # Deleted, trashed or now-sensitive notes lose their vector.
            for job in jobs:
                if job.target_id not in eligible:
                    await analysis.drop_embedding("POD", job.target_id)
            # Unchanged text: stamp the vector so the sweep stops offering it.
            await analysis.touch_embeddings("POD", [n.id for n in notes if n not in changed])
            for note, chunks in zip(changed, chunked, strict=True):
                await analysis.save_embedding(
                    "POD",
                    note.id,
                    note.user_id,
                    model=self.embedder.name,
                    content_hash=content_hash(texts[note.id]),
                    vector=chunks[0],
                )
                await analysis.save_chunks("POD", note.id, note.user_id, chunks)
            terms = await PodSearchRepository(session).terms_by_user([n.id for n in changed])
            await JournalSearchRepository(session).add_terms(terms)

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
            return await AIJobRepository(session).enqueue_stale_pod_notes()

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
                for target_id, user_id in targets:
                    await jobs.enqueue(EMBED_POD, target_id, user_id)
        except Exception:
            # Never hold up the relay for other sinks: the pod sweep catches up.
            log.exception("pod_embedding_enqueue_failed")


def _pod_entry_id(payload: dict[str, Any]) -> str | None:
    for key in ("entityId", "entryId", "id"):
        value = payload.get(key)
        if isinstance(value, str):
            try:
                return str(uuid.UUID(value))
            except ValueError:
                return None
    return None
