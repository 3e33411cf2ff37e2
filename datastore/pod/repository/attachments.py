"""Attachments of entries, the bytes each user keeps, and the blob deletion queue."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.chat.repository.media import chat_media_sizes
from datastore.pod.tables import Attachment, BlobGarbage, Upload


class AttachmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert_many(self, rows: Sequence[dict[str, Any]]) -> list[Attachment]:
        if not rows:
            return []
        statement = insert(Attachment).values(list(rows)).returning(Attachment)
        return list((await self.session.execute(statement)).scalars())

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[Attachment]:
        statement = select(Attachment).where(Attachment.id.in_(ids))
        return list((await self.session.execute(statement)).scalars())

    async def by_entry_ids(
        self, entry_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Attachment]]:
        """Each entry's attachments, oldest first, in one query for a whole page."""
        statement = (
            select(Attachment)
            .where(Attachment.entry_id.in_(entry_ids))
            .order_by(Attachment.entry_id, Attachment.created_at, Attachment.id)
        )
        found: dict[uuid.UUID, list[Attachment]] = {}
        for row in (await self.session.execute(statement)).scalars():
            found.setdefault(row.entry_id, []).append(row)
        return found

    async def count_of_entry(self, entry_id: uuid.UUID) -> int:
        statement = select(func.count()).where(Attachment.entry_id == entry_id)
        return int((await self.session.execute(statement)).scalar_one())

    async def get_for_update(
        self, attachment_id: uuid.UUID, user_id: uuid.UUID
    ) -> Attachment | None:
        statement = (
            select(Attachment)
            .where(Attachment.id == attachment_id, Attachment.user_id == user_id)
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def delete(self, attachment_id: uuid.UUID) -> None:
        """Remove the row; its trigger queues the blob for deletion."""
        await self.session.execute(delete(Attachment).where(Attachment.id == attachment_id))


class StorageRepository:
    """The bytes a user keeps: attachments, received uploads not yet attached, and the
    files they uploaded for chat messages."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_user(self, user_id: uuid.UUID) -> None:
        """Serialise quota decisions of one user until the transaction ends."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"blob-quota:{user_id}"},
        )

    async def used_bytes(self, user_id: uuid.UUID) -> int:
        return (await self.used_bytes_by_user([user_id])).get(user_id, 0)

    async def used_bytes_by_user(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        """Each user's stored bytes, in one query."""
        attached = select(Attachment.user_id.label("user_id"), Attachment.size.label("size")).where(
            Attachment.user_id.in_(user_ids)
        )
        staged = select(Upload.user_id, func.coalesce(Upload.size, Upload.declared_size)).where(
            Upload.user_id.in_(user_ids),
            Upload.state.in_(("RECEIVING", "RECEIVED")),
            Upload.expires_at > func.now(),
        )
        both = attached.union_all(staged, chat_media_sizes(user_ids)).subquery()
        statement = select(both.c.user_id, func.sum(both.c.size)).group_by(both.c.user_id)
        return {user_id: int(total) for user_id, total in await self.session.execute(statement)}


class BlobGarbageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, keys: Sequence[str]) -> None:
        """Queue blobs that no row names (a write that failed after storing them)."""
        if keys:
            rows = [{"blob_key": key} for key in keys]
            await self.session.execute(insert(BlobGarbage).values(rows).on_conflict_do_nothing())

    async def claim(self, limit: int) -> list[str]:
        """Keys to delete; SKIP LOCKED lets several workers share the queue."""
        statement = (
            select(BlobGarbage.blob_key)
            .order_by(BlobGarbage.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(statement)).scalars())

    async def remove(self, keys: Sequence[str]) -> None:
        await self.session.execute(delete(BlobGarbage).where(BlobGarbage.blob_key.in_(keys)))
