"""Everything of one user's pod, in id order and in batches, for their export.

The caller passes a session in one REPEATABLE READ transaction, so every batch reads the
same snapshot."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.batches import keyset_batches
from datastore.pod.repository.entries import visible_now
from datastore.pod.share_tables import EntryShare, ShareLink
from datastore.pod.tables import ActivityLog, Attachment, Category, Entry, EntryTag, Tag


class PodExportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def categories(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[Category]]:
        return keyset_batches(
            self.session, select(Category).where(Category.user_id == user_id), Category.id
        )

    def tags(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[Tag]]:
        return keyset_batches(self.session, select(Tag).where(Tag.user_id == user_id), Tag.id)

    def entries(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[Entry]]:
        """Live entries, trash included; expired ones are gone for the user already."""
        return keyset_batches(
            self.session, select(Entry).where(Entry.user_id == user_id, visible_now()), Entry.id
        )

    async def tag_ids_by_entry_ids(
        self, entry_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[uuid.UUID]]:
        statement = (
            select(EntryTag.entry_id, EntryTag.tag_id)
            .where(EntryTag.entry_id.in_(entry_ids))
            .order_by(EntryTag.tag_id)
        )
        found: dict[uuid.UUID, list[uuid.UUID]] = {}
        for entry_id, tag_id in await self.session.execute(statement):
            found.setdefault(entry_id, []).append(tag_id)
        return found

    def attachments(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[Attachment]]:
        """The files of the entries `entries` returns."""
        statement = (
            select(Attachment)
            .join(Entry, Entry.id == Attachment.entry_id)
            .where(Attachment.user_id == user_id, Entry.user_id == user_id, visible_now())
        )
        return keyset_batches(self.session, statement, Attachment.id)

    def shares(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[EntryShare]]:
        """Shares of my entries, shares I made of others' (as an ADMIN sharer), and shares
        made with me; revoked ones too (they are the history)."""
        mine = or_(
            EntryShare.owner_id == user_id,
            EntryShare.shared_by == user_id,
            EntryShare.person_id == user_id,
        )
        return keyset_batches(self.session, select(EntryShare).where(mine), EntryShare.id)

    def links(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[ShareLink]]:
        """Links to my entries and links I made."""
        mine = or_(ShareLink.owner_id == user_id, ShareLink.created_by == user_id)
        return keyset_batches(self.session, select(ShareLink).where(mine), ShareLink.id)

    def activity(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[ActivityLog]]:
        statement = select(ActivityLog).where(ActivityLog.user_id == user_id)
        return keyset_batches(self.session, statement, ActivityLog.id)

    async def tag_ids_by_slugs(
        self, user_id: uuid.UUID, slugs: Sequence[str]
    ) -> dict[str, uuid.UUID]:
        """An import's question: which of these slugs the user has already."""
        statement = select(Tag.slug, Tag.id).where(Tag.user_id == user_id, Tag.slug.in_(slugs))
        return {key: value for key, value in await self.session.execute(statement)}
