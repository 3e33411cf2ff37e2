"""Topics: system ones (user_id NULL) and each user's own, with the user's entry counts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.tables import JournalEntryTopic, Topic


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

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[Topic]:
        rows = await self.session.execute(select(Topic).where(Topic.id.in_(ids)))
        return list(rows.scalars())

    async def page_with_counts(
        self, user_id: uuid.UUID, *, limit: int, after: tuple[str, uuid.UUID] | None
    ) -> list[TopicCount]:
        """System topics and the user's own, by name, each with how many of the user's
        entries it is assigned to."""
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
        if after is not None:
            statement = statement.where(tuple_(func.lower(Topic.name), Topic.id) > tuple_(*after))
        statement = statement.order_by(func.lower(Topic.name), Topic.id).limit(limit)
        rows = await self.session.execute(statement)
        return [TopicCount(topic, count) for topic, count in rows]
