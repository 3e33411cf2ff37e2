"""One user's journal as the insights job reads it: every entry's day, time, mood, text,
tags and topics, and the names of those tags and topics.

Hidden entries live only in `vault_entries`, so no insight can ever see or cite one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.repository.jobs import EMBED_JOURNAL, MAX_ATTEMPTS

# The most recent entries an insight looks at: years of daily writing, bounded work.
MAX_ENTRIES = 5000

_ENTRIES = text(
    """
    SELECT e.id, e.entry_date, e.created_at, e.mood, coalesce(e.title, ''), e.content,
           coalesce((SELECT array_agg(jt.tag_id ORDER BY jt.tag_id) FROM journal_entry_tags jt
                     WHERE jt.entry_id = e.id), '{}'),
           coalesce((SELECT array_agg(et.topic_id ORDER BY et.topic_id)
                     FROM journal_entry_topics et WHERE et.entry_id = e.id), '{}')
    FROM journal_entries e
    WHERE e.user_id = :user_id
    ORDER BY e.entry_date DESC, e.created_at DESC, e.id DESC
    LIMIT :limit
    """
)
_ANALYSIS_PENDING = text(
    "SELECT EXISTS (SELECT 1 FROM ai_jobs WHERE user_id = :user_id AND kind = :kind"
    " AND attempts < :max_attempts)"
)
_NAMES = text(
    """
    SELECT id, name FROM journal_tags WHERE user_id = :user_id
    UNION ALL
    SELECT id, name FROM topics WHERE user_id IS NULL OR user_id = :user_id
    """
)


@dataclass(frozen=True)
class HistoryEntry:
    id: uuid.UUID
    entry_date: date
    created_at: datetime
    mood: int | None
    title: str
    content: str
    tag_ids: tuple[uuid.UUID, ...]
    topic_ids: tuple[uuid.UUID, ...]


class JournalHistoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def entries(self, user_id: uuid.UUID, *, limit: int = MAX_ENTRIES) -> list[HistoryEntry]:
        """My most recent entries, oldest first."""
        rows = await self.session.execute(_ENTRIES, {"user_id": user_id, "limit": limit})
        found = [
            HistoryEntry(r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6]), tuple(r[7])) for r in rows
        ]
        return found[::-1]

    async def names(self, user_id: uuid.UUID) -> dict[uuid.UUID, str]:
        """The names of my tags and of the topics I can have (system ones and mine)."""
        rows = await self.session.execute(_NAMES, {"user_id": user_id})
        return {r[0]: r[1] for r in rows}

    async def analysis_pending(self, user_id: uuid.UUID) -> bool:
        """Whether some of my entries still wait for their AI analysis (topics among it)."""
        found = await self.session.execute(
            _ANALYSIS_PENDING,
            {"user_id": user_id, "kind": EMBED_JOURNAL, "max_attempts": MAX_ATTEMPTS},
        )
        return bool(found.scalar_one())
