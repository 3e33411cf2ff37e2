"""Topics found in each person's own writing, re-run as their entries arrive.

The user's entries are clustered (datastore/kit/ai/clusters.py); each cluster becomes a
discovered topic named by its most distinctive words, unless a system topic or one of the
user's own already covers it (they are the seeds: a cluster that close is theirs). A
cluster that shares most entries with an earlier discovered topic updates it, so ids stay
stable; topics I renamed or merged keep their names, and pinned ones are never removed.
Between runs a new entry joins the topics its vector is close to (the AI worker assigns).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import structlog

from datastore.journal.repository.analysis import AnalysisRepository
from datastore.journal.repository.topics import OwnTopic, TopicDiscoveryRepository
from datastore.kit.ai.clusters import Cluster, cluster, topic_name
from datastore.kit.ai.embedder import topic_cluster_distance

if TYPE_CHECKING:
    from datastore.kit.clients import Clients

log = structlog.get_logger("personalpod.topics")

MAX_ENTRIES = 2000  # the most recent entries a run clusters (average linkage is O(n^2))
SEED_SIMILARITY = 0.6  # a cluster this close to a system or own topic is that topic
SAME_TOPIC = 0.5  # share of entries (Jaccard) that makes a cluster an earlier topic


class TopicDiscovery:
    def __init__(self, clients: Clients) -> None:
        self.db = clients.db
        self.settings = clients.settings.journal
        self.all_settings = clients.settings  # the distance depends on EMBEDDING_MODEL

    async def run_due(self, user_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        """Re-cluster the users whose entries changed enough since their last run."""
        changed = []
        for user_id in set(user_ids):
            try:
                if await self.discover(user_id):
                    changed.append(user_id)
            except Exception:
                log.exception("topic_discovery_failed", user_id=str(user_id))
        return changed

    async def discover(self, user_id: uuid.UUID, *, force: bool = False) -> bool:
        async with self.db() as session:
            repository = TopicDiscoveryRepository(session)
            count = await repository.embedded_count(user_id)
            if not force and not _due(await repository.last_count(user_id), count):
                return False
            entries = await repository.entry_vectors(user_id, limit=MAX_ENTRIES)
        clusters = await asyncio.to_thread(
            cluster,
            [e.vector for e in entries],
            [e.text for e in entries],
            distance_threshold=topic_cluster_distance(self.all_settings),
            min_size=self.settings.topic_min_entries,
        )
        ids = [e.entry_id for e in entries]
        async with self.db() as session, session.begin():
            repository = TopicDiscoveryRepository(session)
            await repository.lock(user_id)
            await self._apply(repository, user_id, clusters, ids)
            await AnalysisRepository(session).assign_topics(
                user_id,
                ids,
                min_relevance=self.settings.topic_min_relevance,
                join_relevance=self.settings.topic_join_relevance,
            )
            await repository.record(user_id, count)
        log.info("topics_discovered", user_id=str(user_id), entries=count, topics=len(clusters))
        return True

    async def _apply(
        self,
        repository: TopicDiscoveryRepository,
        user_id: uuid.UUID,
        clusters: Sequence[Cluster],
        ids: Sequence[uuid.UUID],
    ) -> None:
        topics = await repository.topics(user_id)
        seeds = [t for t in topics if not t.topic.discovered and t.vector is not None]
        earlier = [t for t in topics if t.topic.discovered and not t.topic.curated]
        curated = [t for t in topics if t.topic.user_id is not None and t.topic.curated]
        names = {t.topic.name.lower() for t in topics}
        kept: set[uuid.UUID] = set()
        for found in clusters:
            if _nearest(found.centroid, seeds) >= SEED_SIMILARITY:
                continue
            members = frozenset(ids[p] for p in found.members)
            if any(len(members & t.members) >= SAME_TOPIC * len(members) for t in curated):
                continue  # mostly entries of a topic I renamed or merged: it stays as I made it
            match = _same_topic(members, [t for t in earlier if t.topic.id not in kept])
            name = topic_name(found.keywords)
            if match is None:
                name = _free(name, names)
                names.add(name.lower())
                await repository.add(
                    user_id, name=name, keywords=found.keywords, vector=found.centroid
                )
                continue
            kept.add(match.topic.id)
            rename = None
            if name.lower() != match.topic.name.lower():
                rename = _free(name, names)
                names.add(rename.lower())
            await repository.refresh(
                match.topic, name=rename, keywords=found.keywords, vector=found.centroid
            )
        await repository.remove(
            [t.topic.id for t in earlier if t.topic.id not in kept and not t.topic.pinned]
        )


def _due(last: int | None, count: int) -> bool:
    """Cheap while a person has few entries: re-run on every change below 50 entries, then
    when their number moved by a tenth."""
    if last is None:
        return count > 0
    return abs(count - last) >= max(1, last // 10) if last >= 50 else count != last


def _nearest(centroid: Sequence[float], seeds: Sequence[OwnTopic]) -> float:
    if not seeds:
        return -1.0
    matrix = np.asarray([s.vector for s in seeds], dtype=np.float64)
    return float((matrix @ np.asarray(centroid, dtype=np.float64)).max())


def _same_topic(members: frozenset[uuid.UUID], earlier: Sequence[OwnTopic]) -> OwnTopic | None:
    def overlap(topic: OwnTopic) -> float:
        union = members | topic.members
        return len(members & topic.members) / len(union) if union else 0.0

    best = max(earlier, key=overlap, default=None)
    return best if best is not None and overlap(best) >= SAME_TOPIC else None


def _free(name: str, taken: set[str]) -> str:
    """`name`, or `name 2`, `name 3`...: topic names are unique among those I see."""
    if name.lower() not in taken:
        return name
    suffix = 2
    while f"{name} {suffix}".lower() in taken:
        suffix += 1
    return f"{name[:55]} {suffix}"
