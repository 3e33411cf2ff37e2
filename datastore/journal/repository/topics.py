"""Topics: system ones (user_id NULL) and each user's own, with the user's entry counts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, not_, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.tables import (
    Embedding,
    JournalEntry,
    JournalEntryTopic,
    Topic,
    TopicDiscovery,
)

_MOVE_ENTRIES = text(
    """
    INSERT INTO journal_entry_topics (entry_id, topic_id, user_id, relevance)
    SELECT entry_id, :target, user_id, max(relevance)
    FROM journal_entry_topics WHERE topic_id = ANY(:sources)
    GROUP BY entry_id, user_id
    ON CONFLICT (entry_id, topic_id)
    DO UPDATE SET relevance = greatest(journal_entry_topics.relevance, excluded.relevance)
    """
)

_CENTROID = text(
    """
    UPDATE topics t SET embedding = coalesce(
        (SELECT avg(e.embedding) FROM journal_entry_topics jt
         JOIN embeddings e ON e.source = 'JOURNAL' AND e.entry_id = jt.entry_id
         WHERE jt.topic_id = t.id),
        t.embedding)
    WHERE t.id = :target
    """
)


# Where a page of topics ends: (not pinned, lower-case name, id), pinned ones first.
TopicKey = tuple[bool, str, uuid.UUID]


def topic_key(topic: Topic) -> TopicKey:
    return (not topic.pinned, topic.name.lower(), topic.id)


@dataclass(frozen=True)
class TopicCount:
    topic: Topic
    entry_count: int


class TopicRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, user_id: uuid.UUID, *, name: str, description: str) -> Topic | None:
        """None when the user already sees a topic of that name."""
        if await self.visible_name_taken(user_id, name):
            return None
        statement = (
            insert(Topic)
            .values(user_id=user_id, name=name, description=description)
            .on_conflict_do_nothing()
            .returning(Topic)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def visible_name_taken(self, user_id: uuid.UUID, name: str) -> bool:
        statement = select(Topic.id).where(
            or_(Topic.user_id.is_(None), Topic.user_id == user_id),
            func.lower(Topic.name) == name.lower(),
        )
        return (await self.session.execute(statement)).first() is not None

    async def get_own(self, user_id: uuid.UUID, topic_id: uuid.UUID) -> Topic | None:
        statement = select(Topic).where(Topic.id == topic_id, Topic.user_id == user_id)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def delete(self, topic_id: uuid.UUID) -> None:
        await self.session.execute(delete(Topic).where(Topic.id == topic_id))

    async def own_many(self, user_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[Topic]:
        """Those of `ids` that are my own topics, locked for the change."""
        statement = (
            select(Topic).where(Topic.id.in_(ids), Topic.user_id == user_id).with_for_update()
        )
        return list((await self.session.execute(statement)).scalars())

    async def name_taken_by_other(self, user_id: uuid.UUID, name: str, topic_id: uuid.UUID) -> bool:
        statement = select(Topic.id).where(
            or_(Topic.user_id.is_(None), Topic.user_id == user_id),
            func.lower(Topic.name) == name.lower(),
            Topic.id != topic_id,
        )
        return (await self.session.execute(statement)).first() is not None

    async def rename(self, topic: Topic, name: str) -> Topic:
        """Curated from now on; a topic of mine matched by its words is embedded again."""
        values: dict[str, object] = {"name": name, "curated": True, "updated_at": func.now()}
        if not topic.discovered:
            values["embedding"] = None
        statement = update(Topic).where(Topic.id == topic.id).values(**values).returning(Topic)
        return (await self.session.execute(statement)).scalar_one()

    async def set_pinned(self, topic_id: uuid.UUID, pinned: bool) -> Topic:
        statement = (
            update(Topic)
            .where(Topic.id == topic_id)
            .values(pinned=pinned, updated_at=func.now())
            .returning(Topic)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def merge(self, target: Topic, sources: Sequence[Topic]) -> Topic:
        """`sources`' entries join `target`, whose vector becomes the centroid of all its
        entries; the sources go. The result is curated: re-clustering keeps it whole."""
        ids = [t.id for t in sources]
        await self.session.execute(_MOVE_ENTRIES, {"target": target.id, "sources": ids})
        keywords = list(
            dict.fromkeys([*target.keywords, *(k for t in sources for k in t.keywords)])
        )
        await self.session.execute(delete(Topic).where(Topic.id.in_(ids)))
        await self.session.execute(_CENTROID, {"target": target.id})
        statement = (
            update(Topic)
            .where(Topic.id == target.id)
            .values(curated=True, keywords=keywords[:10], updated_at=func.now())
            .returning(Topic)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[Topic]:
        rows = await self.session.execute(select(Topic).where(Topic.id.in_(ids)))
        return list(rows.scalars())

    async def page_with_counts(
        self, user_id: uuid.UUID, *, limit: int, after: TopicKey | None
    ) -> list[TopicCount]:
        """System topics and the user's own, the pinned ones first, then by name, each with
        how many of the user's entries it is assigned to."""
        counts = (
            select(JournalEntryTopic.topic_id, func.count().label("n"))
            .where(JournalEntryTopic.user_id == user_id)
            .group_by(JournalEntryTopic.topic_id)
            .subquery()
        )
        statement = (
            select(Topic, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.topic_id == Topic.id)
            .where(or_(Topic.user_id.is_(None), Topic.user_id == user_id))
        )
        key = (not_(Topic.pinned), func.lower(Topic.name), Topic.id)
        if after is not None:
            statement = statement.where(tuple_(*key) > tuple_(*after))
        statement = statement.order_by(*key).limit(limit)
        rows = await self.session.execute(statement)
        return [TopicCount(topic, count) for topic, count in rows]


@dataclass(frozen=True)
class EntryText:
    entry_id: uuid.UUID
    text: str
    vector: list[float]


@dataclass(frozen=True)
class OwnTopic:
    topic: Topic
    vector: list[float] | None
    members: frozenset[uuid.UUID]


class TopicDiscoveryRepository:
    """What clustering a user's entries reads and writes: their vectors, the user's topics
    with their entries, and when it last ran."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, user_id: uuid.UUID) -> None:
        """One discovery per user at a time, across workers (until the transaction ends)."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext('topics:' || :u))"), {"u": str(user_id)}
        )

    async def embedded_count(self, user_id: uuid.UUID) -> int:
        statement = (
            select(func.count())
            .select_from(Embedding)
            .where(Embedding.source == "JOURNAL", Embedding.user_id == user_id)
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def last_count(self, user_id: uuid.UUID) -> int | None:
        statement = select(TopicDiscovery.entry_count).where(TopicDiscovery.user_id == user_id)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def record(self, user_id: uuid.UUID, entry_count: int) -> None:
        values = {"entry_count": entry_count, "ran_at": func.now()}
        statement = insert(TopicDiscovery).values(user_id=user_id, **values)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=["user_id"], set_=values)
        )

    async def entry_vectors(self, user_id: uuid.UUID, *, limit: int) -> list[EntryText]:
        statement = (
            select(
                Embedding.entry_id, JournalEntry.title, JournalEntry.content, Embedding.embedding
            )
            .join(
                JournalEntry,
                (JournalEntry.id == Embedding.entry_id)
                & (JournalEntry.user_id == Embedding.user_id),
            )
            .where(Embedding.source == "JOURNAL", Embedding.user_id == user_id)
            .order_by(JournalEntry.entry_date.desc(), JournalEntry.id)
            .limit(limit)
        )
        rows = await self.session.execute(statement)
        return [EntryText(r[0], f"{r[1] or ''}\n{r[2]}", list(r[3])) for r in rows]

    async def topics(self, user_id: uuid.UUID) -> list[OwnTopic]:
        """System topics and all of mine, with their vectors and which of my entries have
        each (only mine: system topics list no members)."""
        rows = await self.session.execute(
            select(Topic, Topic.embedding).where(
                or_(Topic.user_id.is_(None), Topic.user_id == user_id)
            )
        )
        members = await self.session.execute(
            select(JournalEntryTopic.topic_id, JournalEntryTopic.entry_id).where(
                JournalEntryTopic.user_id == user_id
            )
        )
        grouped: dict[uuid.UUID, set[uuid.UUID]] = {}
        for topic_id, entry_id in members:
            grouped.setdefault(topic_id, set()).add(entry_id)
        return [
            OwnTopic(
                topic,
                None if vector is None else list(vector),
                frozenset(grouped.get(topic.id, ()) if topic.user_id else ()),
            )
            for topic, vector in rows
        ]

    async def add(
        self, user_id: uuid.UUID, *, name: str, keywords: list[str], vector: list[float]
    ) -> None:
        await self.session.execute(
            insert(Topic).values(
                user_id=user_id,
                name=name,
                description=", ".join(keywords),
                discovered=True,
                keywords=keywords,
                embedding=vector,
            )
        )

    async def refresh(
        self, topic: Topic, *, name: str | None, keywords: list[str], vector: list[float]
    ) -> None:
        """New words and centroid for a discovered topic; its name unless I curated it."""
        values: dict[str, object] = {
            "keywords": keywords,
            "embedding": vector,
            "updated_at": func.now(),
        }
        if name is not None:
            values.update(name=name, description=", ".join(keywords))
        await self.session.execute(update(Topic).where(Topic.id == topic.id).values(**values))

    async def remove(self, ids: Sequence[uuid.UUID]) -> None:
        if ids:
            await self.session.execute(delete(Topic).where(Topic.id.in_(ids)))
