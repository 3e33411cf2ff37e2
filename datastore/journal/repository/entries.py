"""Queries on `journal_entries` and their tags."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.tables import JournalEntry, JournalEntryTag, JournalTag


@dataclass(frozen=True)
class EntryFilter:
    date_from: date | None = None
    date_to: date | None = None
    mood_min: int | None = None
    mood_max: int | None = None
    tag_id: uuid.UUID | None = None


# Newest first: the journal's natural order, with the id breaking ties so pages are stable.
EntryKey = tuple[date, datetime, uuid.UUID]


def entry_key(entry: JournalEntry) -> EntryKey:
    return (entry.entry_date, entry.created_at, entry.id)


class JournalEntryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, user_id: uuid.UUID, values: dict[str, Any]) -> JournalEntry:
        statement = insert(JournalEntry).values(user_id=user_id, **values).returning(JournalEntry)
        return (await self.session.execute(statement)).scalar_one()

    async def get_for_update(self, user_id: uuid.UUID, entry_id: uuid.UUID) -> JournalEntry | None:
        """The caller's entry, row-locked; None when missing or someone else's."""
        statement = (
            select(JournalEntry)
            .where(JournalEntry.id == entry_id, JournalEntry.user_id == user_id)
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def update(self, entry_id: uuid.UUID, values: dict[str, Any]) -> JournalEntry:
        statement = (
            update(JournalEntry)
            .where(JournalEntry.id == entry_id)
            .values(**values, version=JournalEntry.version + 1, updated_at=func.now())
            .returning(JournalEntry)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def delete(self, entry_id: uuid.UUID) -> None:
        await self.session.execute(delete(JournalEntry).where(JournalEntry.id == entry_id))

    async def bump_tagged(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> list[Any]:
        """New versions of my entries carrying the tag (it is about to go): (id, version)."""
        tagged = select(JournalEntryTag.entry_id).where(JournalEntryTag.tag_id == tag_id)
        statement = (
            update(JournalEntry)
            .where(JournalEntry.user_id == user_id, JournalEntry.id.in_(tagged))
            .values(version=JournalEntry.version + 1, updated_at=func.now())
            .returning(JournalEntry.id, JournalEntry.version)
        )
        return list((await self.session.execute(statement)).all())

    async def exists_for_share(self, entry_id: uuid.UUID) -> bool:
        """Whether the entry is still there, share-locked until the transaction ends so it
        cannot be deleted while results about it are written."""
        found = await self.session.execute(
            text("SELECT 1 FROM journal_entries WHERE id = :id FOR SHARE"), {"id": entry_id}
        )
        return found.first() is not None

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[JournalEntry]:
        rows = await self.session.execute(select(JournalEntry).where(JournalEntry.id.in_(ids)))
        return list(rows.scalars())

    async def page(
        self,
        user_id: uuid.UUID,
        entry_filter: EntryFilter,
        *,
        limit: int,
        after: EntryKey | None,
    ) -> list[JournalEntry]:
        """Up to `limit` entries after the `after` key, newest entry date first."""
        statement = select(JournalEntry).where(JournalEntry.user_id == user_id)
        f = entry_filter
        if f.date_from is not None:
            statement = statement.where(JournalEntry.entry_date >= f.date_from)
        if f.date_to is not None:
            statement = statement.where(JournalEntry.entry_date <= f.date_to)
        if f.mood_min is not None:
            statement = statement.where(JournalEntry.mood >= f.mood_min)
        if f.mood_max is not None:
            statement = statement.where(JournalEntry.mood <= f.mood_max)
        if f.tag_id is not None:
            tagged = select(JournalEntryTag.entry_id).where(JournalEntryTag.tag_id == f.tag_id)
            statement = statement.where(JournalEntry.id.in_(tagged))
        if after is not None:
            key = tuple_(JournalEntry.entry_date, JournalEntry.created_at, JournalEntry.id)
            statement = statement.where(key < tuple_(*after))
        statement = statement.order_by(
            JournalEntry.entry_date.desc(), JournalEntry.created_at.desc(), JournalEntry.id.desc()
        ).limit(limit)
        return list((await self.session.execute(statement)).scalars())

    async def replace_tags(self, entry_id: uuid.UUID, tag_ids: Sequence[uuid.UUID]) -> None:
        await self.session.execute(
            delete(JournalEntryTag).where(JournalEntryTag.entry_id == entry_id)
        )
        if tag_ids:
            await self.session.execute(
                insert(JournalEntryTag),
                [{"entry_id": entry_id, "tag_id": t} for t in dict.fromkeys(tag_ids)],
            )

    async def tags_by_entry_ids(
        self, entry_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[JournalTag]]:
        rows = await self.session.execute(
            select(JournalEntryTag.entry_id, JournalTag)
            .join(JournalTag, JournalTag.id == JournalEntryTag.tag_id)
            .where(JournalEntryTag.entry_id.in_(entry_ids))
            .order_by(func.lower(JournalTag.name))
        )
        found: dict[uuid.UUID, list[JournalTag]] = {}
        for entry_id, tag in rows:
            found.setdefault(entry_id, []).append(tag)
        return found
