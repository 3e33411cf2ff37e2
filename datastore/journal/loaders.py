"""Per-request loaders of the journal: one `ANY` query per batch, results in key order."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.repository.analysis import AnalysisRepository
from datastore.journal.repository.entries import JournalEntryRepository
from datastore.journal.repository.reminders import ReminderRepository
from datastore.journal.repository.tags import JournalTagRepository
from datastore.journal.repository.topics import TopicRepository
from datastore.journal.tables import (
    JournalEmotions,
    JournalEntry,
    JournalSentiment,
    JournalTag,
    Reminder,
    Topic,
)
from datastore.kit.loaders import GroupedLoader, Groups, Ids, RowByIdLoader, Sessions


class EntryByIdLoader(RowByIdLoader[JournalEntry], repository=JournalEntryRepository): ...


class TagByIdLoader(RowByIdLoader[JournalTag], repository=JournalTagRepository): ...


class ReminderByIdLoader(RowByIdLoader[Reminder], repository=ReminderRepository): ...


class TopicByIdLoader(RowByIdLoader[Topic], repository=TopicRepository): ...


class TagsByEntryIdLoader(GroupedLoader[JournalTag]):
    """Each entry's tags, by name."""

    async def select(self, session: AsyncSession, ids: Ids) -> Groups[JournalTag]:
        return await JournalEntryRepository(session).tags_by_entry_ids(ids)


class SentimentsByEntryIdLoader(GroupedLoader[JournalSentiment]):
    """Each entry's sentiment, one per model."""

    async def select(self, session: AsyncSession, ids: Ids) -> Groups[JournalSentiment]:
        return await AnalysisRepository(session).sentiments_by_entry_ids(ids)


class EmotionsByEntryIdLoader(GroupedLoader[JournalEmotions]):
    """Each entry's emotion scores, one per model."""

    async def select(self, session: AsyncSession, ids: Ids) -> Groups[JournalEmotions]:
        return await AnalysisRepository(session).emotions_by_entry_ids(ids)


class TopicsByEntryIdLoader(GroupedLoader[tuple[Topic, float]]):
    """Each entry's topics with their relevance: those I pinned first, then most relevant."""

    async def select(self, session: AsyncSession, ids: Ids) -> Groups[tuple[Topic, float]]:
        return await AnalysisRepository(session).topics_by_entry_ids(ids)


class JournalLoaders:
    """`info.context.loaders.journal.<name>`; rows are returned whoever owns them, and
    resolvers compare `user_id` with the caller (see resolvers/core/nodes.py)."""

    def __init__(self, read_db: Sessions) -> None:
        self.entry_by_id = EntryByIdLoader(read_db)
        self.tag_by_id = TagByIdLoader(read_db)
        self.reminder_by_id = ReminderByIdLoader(read_db)
        self.topic_by_id = TopicByIdLoader(read_db)
        self.tags_by_entry_id = TagsByEntryIdLoader(read_db)
        self.sentiments_by_entry_id = SentimentsByEntryIdLoader(read_db)
        self.emotions_by_entry_id = EmotionsByEntryIdLoader(read_db)
        self.topics_by_entry_id = TopicsByEntryIdLoader(read_db)
