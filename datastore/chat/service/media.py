"""Chat media: files uploaded for messages, sent once, downloadable by the conversation.

A file is uploaded first (`uploadChatMedia`, multipart): streamed into the blob store by the
pod's staging (type sniffed, size and quota held while it streams) and kept as the
sender's `chat_media` row. `sendMessage` then names it by id: the sender's own, not sent
before, of a type that fits the message kind. Its metadata comes from the row, never from
the client. Images are processed by the media job (datastore/media) like attachments; when
one is done, the conversation hears of it live (`MEDIA_PROCESSED`).

Who may download: the sender, always; anyone else only while a member of the conversation
it was sent to, and only once it is READY: until the job has stripped an image's EXIF/GPS,
the original stays the sender's (a FAILED image, which could not be stripped, stays so).
A former member's links stop working at once: access is decided on every download.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.chat import validation
from datastore.chat.items import MessageItem
from datastore.chat.live import publish_conversation
from datastore.chat.repository.media import CHAT_MEDIA_QUEUE, ChatMediaRepository
from datastore.chat.repository.messages import MessageRepository
from datastore.chat.service.access import Access
from datastore.chat.tables import ChatMedia
from datastore.kit.clients import Clients
from datastore.kit.crypto.signed_paths import SignedPaths
from datastore.kit.errors import Conflict, NotFound
from datastore.kit.processing import READY, Finished, initial_status
from datastore.outbox.repository import OutboxRepository, PendingEvent
from datastore.pod.files import IncomingFile
from datastore.pod.repository.attachments import StorageRepository
from datastore.pod.service.attachments import AttachmentService, over_quota
from datastore.pod.service.changes import Actor

MEDIA_PATH = "/media/"
PROCESSED_TOPIC = "chat.media.processed"
NOT_YOURS = "No such upload of yours."


def media_values(row: ChatMedia) -> dict[str, Any]:
    """What a message keeps of its file: the row's id and its metadata as uploaded."""
    return {
        "media_id": str(row.id),
        "file_name": row.name,
        "mime_type": row.mime_type,
        "size_bytes": row.size,
        "sha256": row.sha256,
    }


class ChatMediaService:
    def __init__(
        self,
        clients: Clients,
        access: Access,
        messages: MessageRepository,
        files: AttachmentService,
    ) -> None:
        self.clients = clients
        self.access = access
        self.messages = messages
        self.files = files
        self.queue = CHAT_MEDIA_QUEUE
        key, ttl = clients.settings.files_signing_key_bytes, clients.settings.files_url_seconds
        self.downloads = SignedPaths(key, purpose=b"chat-media", ttl_seconds=ttl)
        self.thumbnails = SignedPaths(key, purpose=b"chat-media-thumbnail", ttl_seconds=ttl)

    async def upload(
        self, me: uuid.UUID, file: IncomingFile, *, keep_metadata: bool = False
    ) -> ChatMedia:
        """Store a file for a message of mine; BAD_USER_INPUT (stores nothing) for a type
        not accepted, a file over the limit, or one over my quota."""
        staged = await self.files.stage(Actor(me, None), file, field="file")
        try:
            async with self.clients.db() as db, db.begin():
                storage = StorageRepository(db)
                await storage.lock_user(me)
                quota = self.clients.settings.blob_quota_bytes
                if await storage.used_bytes(me) + staged.blob.size > quota:
                    raise over_quota("file", quota)
                return await ChatMediaRepository(db).insert(
                    user_id=me,
                    blob_key=staged.blob.key,
                    name=staged.name,
                    mime_type=staged.mime_type,
                    size=staged.blob.size,
                    sha256=staged.blob.sha256,
                    blocks=staged.blob.blocks,
                    status=initial_status(staged.mime_type),
                    keep_metadata=keep_metadata,
                )
        except BaseException:
            await self.files.discard([staged])
            raise

    async def reserve(
        self,
        me: uuid.UUID,
        media_id: uuid.UUID,
        *,
        kind: str,
        conversation_id: str,
        client_id: str,
    ) -> dict[str, Any]:
        """Bind my upload to my message `client_id` in this conversation (a retry of the same
        send binds it again); the metadata the message keeps. NOT_FOUND for an upload not
        mine, CONFLICT for one sent in another message, BAD_USER_INPUT for a wrong type."""
        async with self.clients.db() as db, db.begin():
            repository = ChatMediaRepository(db)
            row = await repository.get_for_update(media_id, me)
            if row is None:
                raise NotFound(NOT_YOURS, field="media.mediaId")
            if row.client_id is not None and (row.conversation_id, row.client_id) != (
                conversation_id,
                client_id,
            ):
                raise Conflict(
                    "This file was already sent in another message; upload it again.",
                    field="media.mediaId",
                )
            validation.media_type(kind, row.mime_type)
            await repository.reserve(row.id, conversation_id, client_id)
        return media_values(row)

    async def sent(self, message: MessageItem) -> None:
        """The message carrying the media is stored: record which one it is."""
        media_id = (message.media or {}).get("media_id")
        if media_id is None:
            return
        async with self.clients.db() as db, db.begin():
            await ChatMediaRepository(db).set_message(uuid.UUID(media_id), message.id)

    async def forget(self, conversation_id: str, message_id: str) -> None:
        """A deleted message's file goes with it: nobody can download it any more."""
        async with self.clients.db() as db, db.begin():
            await ChatMediaRepository(db).delete_of_message(conversation_id, message_id)

    async def may_download(self, viewer: uuid.UUID, row: ChatMedia) -> bool:
        """THE decision "may this viewer download this chat file": its sender; or, once it
        is READY (an image stripped of its EXIF/GPS), a current member of the conversation
        it was sent in."""
        if row.user_id == viewer:
            return True
        return await self._shared_with(viewer, row)

    async def _shared_with(self, viewer: uuid.UUID, row: ChatMedia) -> bool:
        if row.conversation_id is None or row.message_id is None or row.status != READY:
            return False
        return await self.access.is_member(row.conversation_id, viewer)

    @staticmethod
    def offered_to(viewer: uuid.UUID, row: ChatMedia) -> bool:
        """Whether a message shows this viewer a download URL (the viewer already sees the
        message, so is a member): the sender always, others once it is READY."""
        return row.user_id == viewer or row.status == READY

    async def downloadable(self, viewer: uuid.UUID, media_id: uuid.UUID) -> ChatMedia | None:
        """The media row if the viewer may download it, else None (as for a missing one)."""
        async with self.clients.read_db() as db:
            rows = await ChatMediaRepository(db).list_by_ids([media_id])
        if not rows or not await self.may_download(viewer, rows[0]):
            return None
        return rows[0]

    def download_path(self, media_id: uuid.UUID, viewer: uuid.UUID) -> str:
        """The signed `/media/<id>` path of the file's bytes, for this viewer."""
        return self.downloads.path(f"{MEDIA_PATH}{media_id}", str(media_id), viewer)

    def thumbnail_path(self, media_id: uuid.UUID, viewer: uuid.UUID) -> str:
        """The signed `/media/<id>/thumbnail` path of its thumbnail, for this viewer."""
        return self.thumbnails.path(f"{MEDIA_PATH}{media_id}/thumbnail", str(media_id), viewer)

    # The media job's source: the chat_media table, and how its results are announced.

    async def processed(self, session: AsyncSession, finished: Sequence[Finished]) -> None:
        """Announce finished files that were sent, in the job's transaction (outbox)."""
        rows = await ChatMediaRepository(session).list_by_ids([f.id for f in finished])
        outbox = OutboxRepository(session)
        for row in rows:
            if row.conversation_id is not None and row.message_id is not None:
                await outbox.append(
                    row.user_id,
                    PROCESSED_TOPIC,
                    {
                        "mediaId": str(row.id),
                        "conversationId": row.conversation_id,
                        "messageId": row.message_id,
                        "status": row.status,
                    },
                )

    async def publish_processed(self, events: Sequence[PendingEvent]) -> None:
        """An outbox sink: tell each conversation that one of its files is processed."""
        keys = [
            (e.payload["conversationId"], e.payload["messageId"])
            for e in events
            if e.topic == PROCESSED_TOPIC
        ]
        if not keys:
            return
        found = await self.messages.messages(keys)
        for key in keys:
            message = found.get(key)
            if message is not None and not message.deleted_at:
                await publish_conversation(
                    self.clients.broker,
                    key[0],
                    {"type": "MEDIA_PROCESSED", "message": message.to_json()},
                )
