"""Everything of one user's journal, in id order and in batches, for their export.

The caller passes a session in one REPEATABLE READ transaction, so every batch reads the
same snapshot."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.tables import (
    JournalEntry,
    JournalEntryTag,
    JournalEntryTopic,
    JournalTag,
    Reminder,
    Topic,
)
from datastore.kit.batches import keyset_batches


class JournalExportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def entries(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[JournalEntry]]:
        statement = select(JournalEntry).where(JournalEntry.user_id == user_id)
        return keyset_batches(self.session, statement, JournalEntry.id)

    def tags(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[JournalTag]]:
        return keyset_batches(
            self.session, select(JournalTag).where(JournalTag.user_id == user_id), JournalTag.id
        )

    def reminders(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[Reminder]]:
        return keyset_batches(
            self.session, select(Reminder).where(Reminder.user_id == user_id), Reminder.id
        )

    def topics(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[Topic]]:
        """My own topics and the system topics any of my entries has."""
        mine = select(JournalEntryTopic.topic_id).where(JournalEntryTopic.user_id == user_id)
        statement = select(Topic).where(or_(Topic.user_id == user_id, Topic.id.in_(mine)))
        return keyset_batches(self.session, statement, Topic.id)

    async def tag_ids_by_entry_ids(
        self, entry_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[uuid.UUID]]:
        statement = (
            select(JournalEntryTag.entry_id, JournalEntryTag.tag_id)
            .where(JournalEntryTag.entry_id.in_(entry_ids))
            .order_by(JournalEntryTag.tag_id)
        )
        found: dict[uuid.UUID, list[uuid.UUID]] = {}
        for entry_id, tag_id in await self.session.execute(statement):
            found.setdefault(entry_id, []).append(tag_id)
        return found

    async def entries_by_topic_ids(
        self, user_id: uuid.UUID, topic_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[tuple[uuid.UUID, float]]]:
        """(my entry id, relevance) of each topic, most relevant first."""
        statement = (
            select(
                JournalEntryTopic.topic_id, JournalEntryTopic.entry_id, JournalEntryTopic.relevance
            )
            .where(JournalEntryTopic.user_id == user_id, JournalEntryTopic.topic_id.in_(topic_ids))
            .order_by(JournalEntryTopic.relevance.desc(), JournalEntryTopic.entry_id)
        )
        found: dict[uuid.UUID, list[tuple[uuid.UUID, float]]] = {}
        for topic_id, entry_id, relevance in await self.session.execute(statement):
            found.setdefault(topic_id, []).append((entry_id, relevance))
        return found

    async def tag_ids_by_names(
        self, user_id: uuid.UUID, names: Sequence[str]
    ) -> dict[str, uuid.UUID]:
        """An import's question: which of these names (lower case) the user has already."""
        lowered = func.lower(JournalTag.name)
        statement = select(lowered, JournalTag.id).where(
            JournalTag.user_id == user_id, lowered.in_([n.lower() for n in names])
        )
        return {key: value for key, value in await self.session.execute(statement)}
