"""Chat media rows: uploads of a sender, reserved for one message, processed by the media job."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.chat.tables import ChatMedia
from datastore.kit.postgres import rowcount
from datastore.kit.processing import ProcessingQueue

# The media job's statements over this table.
CHAT_MEDIA_QUEUE = ProcessingQueue("chat_media")


def chat_media_sizes(user_ids: Sequence[uuid.UUID]) -> Select[uuid.UUID, int]:
    """(user, size) of each chat file of these users: the pod's storage quota counts them."""
    return select(ChatMedia.user_id, ChatMedia.size).where(ChatMedia.user_id.in_(user_ids))


class ChatMediaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert(self, **values: Any) -> ChatMedia:
        statement = insert(ChatMedia).values(**values).returning(ChatMedia)
        return (await self.session.execute(statement)).scalar_one()

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[ChatMedia]:
        statement = select(ChatMedia).where(ChatMedia.id.in_(ids))
        return list((await self.session.execute(statement)).scalars())

    async def get_for_update(self, media_id: uuid.UUID, user_id: uuid.UUID) -> ChatMedia | None:
        """The sender's own media row, locked; None for another user's, as for a missing one."""
        statement = (
            select(ChatMedia)
            .where(ChatMedia.id == media_id, ChatMedia.user_id == user_id)
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def reserve(self, media_id: uuid.UUID, conversation_id: str, client_id: str) -> None:
        """Bind the media to the sender's message `client_id` in this conversation."""
        await self.session.execute(
            update(ChatMedia)
            .where(ChatMedia.id == media_id)
            .values(conversation_id=conversation_id, client_id=client_id)
        )

    async def set_message(self, media_id: uuid.UUID, message_id: str) -> bool:
        """Record the message that carries the media; False if it was already recorded."""
        result = await self.session.execute(
            update(ChatMedia)
            .where(ChatMedia.id == media_id, ChatMedia.message_id.is_(None))
            .values(message_id=message_id)
        )
        return rowcount(result) == 1

    async def delete_of_message(self, conversation_id: str, message_id: str) -> list[uuid.UUID]:
        """Remove the media of a deleted message (their blobs go to `blob_garbage`)."""
        statement = (
            delete(ChatMedia)
            .where(ChatMedia.conversation_id == conversation_id, ChatMedia.message_id == message_id)
            .returning(ChatMedia.id)
        )
        return list((await self.session.execute(statement)).scalars())
