"""Writing entries and their tags, and reading them by id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.raw_reads import RawReads, in_array
from datastore.pod.rows import TAG_COLUMNS, TagRecord
from datastore.pod.tables import Entry, EntryTag, Tag


def visible_now() -> Any:
    """Entries whose time has not run out: reads never show an expired entry, even before
    the expiry worker deletes it. Over the table's column, so Core reads stay Core."""
    expires_at = Entry.__table__.c.expires_at
    return or_(expires_at.is_(None), expires_at > func.now())


_TAGGINGS = EntryTag.__table__.c
# Each entry's tags by slug, for a whole page: built once, rows straight into records.
_TAGS_BY_ENTRY_IDS = (
    select(_TAGGINGS.entry_id, *TAG_COLUMNS)
    .join_from(EntryTag.__table__, Tag.__table__, TAG_COLUMNS[0] == _TAGGINGS.tag_id)
    .where(in_array(_TAGGINGS.entry_id, "entry_ids"))
    .order_by(Tag.__table__.c.slug)
)


class EntryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert(self, **values: Any) -> Entry:
        statement = insert(Entry).values(**values).returning(Entry)
        return (await self.session.execute(statement)).scalar_one()

    async def get_for_update(self, entry_id: uuid.UUID, user_id: uuid.UUID) -> Entry | None:
        """The user's live (unexpired) entry, row-locked for a versioned change."""
        statement = (
            select(Entry)
            .where(Entry.id == entry_id, Entry.user_id == user_id, visible_now())
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def update(self, entry_id: uuid.UUID, **values: Any) -> Entry:
        """Apply `values`, bump the version and the update time."""
        statement = (
            update(Entry)
            .where(Entry.id == entry_id)
            .values(**values, version=Entry.version + 1, updated_at=func.now())
            .returning(Entry)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def list_by_ids(self, entry_ids: Sequence[uuid.UUID]) -> list[Entry]:
        statement = select(Entry).where(Entry.id.in_(entry_ids), visible_now())
        return list((await self.session.execute(statement)).scalars())

    async def add_tags(
        self, entry_id: uuid.UUID, user_id: uuid.UUID, tag_ids: Sequence[uuid.UUID]
    ) -> list[uuid.UUID]:
        """Tag the entry; the ids actually added. Sorted so concurrent taggers lock tag rows
        (through the usage trigger) in one order and cannot deadlock."""
        if not tag_ids:
            return []
        rows = [{"entry_id": entry_id, "tag_id": t, "user_id": user_id} for t in sorted(tag_ids)]
        statement = (
            insert(EntryTag).values(rows).on_conflict_do_nothing().returning(EntryTag.tag_id)
        )
        return list((await self.session.execute(statement)).scalars())

    async def remove_tags(
        self, entry_id: uuid.UUID, tag_ids: Sequence[uuid.UUID] | None = None
    ) -> list[uuid.UUID]:
        """Untag the entry (all tags when `tag_ids` is None); the ids actually removed."""
        statement = delete(EntryTag).where(EntryTag.entry_id == entry_id)
        if tag_ids is not None:
            statement = statement.where(EntryTag.tag_id.in_(sorted(tag_ids)))
        returning = statement.returning(EntryTag.tag_id)
        return list((await self.session.execute(returning)).scalars())

    async def tag_ids_of(self, entry_id: uuid.UUID) -> list[uuid.UUID]:
        statement = select(EntryTag.tag_id).where(EntryTag.entry_id == entry_id)
        return list((await self.session.execute(statement)).scalars())

    async def lock_due_for_removal(self, *, trash_before: datetime, limit: int) -> list[Entry]:
        """Expired entries and trash older than `trash_before`, claimed for removal;
        SKIP LOCKED lets several workers share the work."""
        statement = (
            select(Entry)
            .where(
                or_(
                    and_(Entry.expires_at.is_not(None), Entry.expires_at <= func.now()),
                    and_(Entry.status == "DELETED", Entry.deleted_at < trash_before),
                )
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(statement)).scalars())

    async def delete(self, entry_ids: Sequence[uuid.UUID]) -> None:
        await self.session.execute(delete(Entry).where(Entry.id.in_(entry_ids)))

    async def set_search_language(self, user_id: uuid.UUID, language: str) -> None:
        """Re-index the user's entries in another text-search language (the generated
        tsvector follows the column, which the ORM does not map)."""
        await self.session.execute(
            text(
                "UPDATE entries SET search_language = CAST(:language AS regconfig) "
                "WHERE user_id = :user_id"
            ),
            {"language": language, "user_id": user_id},
        )


async def tags_by_entry_ids(
    reads: RawReads, entry_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[TagRecord]]:
    """Each entry's tags by slug, in one query for a whole page."""
    rows = await reads.fetch(_TAGS_BY_ENTRY_IDS, {"entry_ids": list(entry_ids)})
    found: dict[uuid.UUID, list[TagRecord]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(TagRecord(*row[1:]))
    return found
