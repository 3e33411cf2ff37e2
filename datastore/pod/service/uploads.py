"""Two-step uploads for large files: `requestUpload` gives a one-time URL of our own app,
the client PUTs the bytes there (and can show progress), then `completeUpload` attaches
them to an entry. The token is the upload's only credential: only its hash is stored."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.blobs import StoredBlob
from datastore.kit.errors import BadUserInput, NotFound
from datastore.kit.settings import Settings
from datastore.pod.files import IncomingFile, StagedFile, clean_file_name
from datastore.pod.repository.attachments import StorageRepository
from datastore.pod.repository.uploads import UploadRepository
from datastore.pod.service.attachments import AttachmentService, over_quota, too_large
from datastore.pod.service.changes import Actor
from datastore.pod.tables import Attachment, Upload

UPLOAD_PATH = "/uploads/"
# Uploads a user may have requested and not completed at once.
MAX_OPEN_UPLOADS = 20
_TOKEN = r"[A-Za-z0-9_-]{43}"


def token_hash(token: str) -> bytes:
    return hashlib.blake2b(token.encode(), digest_size=32, person=b"pp-upload-token").digest()


class UploadService:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        settings: Settings,
        attachments: AttachmentService,
        invalidate: Callable[[uuid.UUID], Awaitable[None]],
    ) -> None:
        self.db = db
        self.settings = settings
        self.attachments = attachments
        self.invalidate = invalidate

    async def request(self, actor: Actor, name: str, size: int) -> tuple[Upload, str]:
        """A new upload of `size` bytes and its one-time token (shown once, never stored)."""
        limit = self.settings.blob_max_bytes
        if size < 0:
            raise BadUserInput("The size cannot be negative.", field="size")
        if size > limit:
            raise too_large("size", limit)
        token = secrets.token_urlsafe(32)
        async with self.db() as db, db.begin():
            storage = StorageRepository(db)
            await storage.lock_user(actor.user_id)
            if await UploadRepository(db).count_open(actor.user_id) >= MAX_OPEN_UPLOADS:
                raise BadUserInput(
                    f"Complete or let expire your {MAX_OPEN_UPLOADS} open uploads first.",
                    field="size",
                )
            quota = self.settings.blob_quota_bytes
            if await storage.used_bytes(actor.user_id) + size > quota:
                raise over_quota("size", quota)
            row = await UploadRepository(db).insert(
                user_id=actor.user_id,
                token_hash=token_hash(token),
                name=clean_file_name(name),
                declared_size=size,
                expires_at=datetime.now(UTC) + timedelta(seconds=self.settings.upload_url_seconds),
            )
        return row, token

    async def receive(self, token: str, chunks: AsyncIterator[bytes]) -> Upload:
        """The PUT: stream the bytes (no more than were announced) into the blob store.
        NOT_FOUND for an unknown, expired or used token, indistinguishably."""
        async with self.db() as db, db.begin():
            upload = await UploadRepository(db).claim_for_receiving(token_hash(token))
        if upload is None:
            raise NotFound("No such upload.")
        actor = Actor(upload.user_id, None)
        try:
            staged = await self.attachments.stage(
                actor,
                IncomingFile(upload.name, chunks),
                field="body",
                max_bytes=upload.declared_size,
            )
        except BaseException:
            await self._reopen(upload.id)
            raise
        try:
            return await self._received(upload, staged)
        except BaseException:
            await self.attachments.discard([staged])
            raise

    async def _received(self, upload: Upload, staged: StagedFile) -> Upload:
        async with self.db() as db, db.begin():
            repository = UploadRepository(db)
            current = await repository.get_for_update(upload.id, upload.user_id)
            if current is None or current.state != "RECEIVING":
                raise NotFound("No such upload.")
            blob = staged.blob
            return await repository.set_state(
                upload.id,
                "RECEIVED",
                blob_key=blob.key,
                mime_type=staged.mime_type,
                size=blob.size,
                sha256=blob.sha256,
                blocks=blob.blocks,
            )

    async def _reopen(self, upload_id: uuid.UUID) -> None:
        """A refused PUT: the URL may be used again (with acceptable bytes) until it expires."""
        async with self.db() as db, db.begin():
            await UploadRepository(db).reopen(upload_id)

    async def complete(self, actor: Actor, upload_id: uuid.UUID, entry_id: uuid.UUID) -> Attachment:
        """`completeUpload`: the received bytes become an attachment of my entry."""
        async with self.db() as db, db.begin():
            repository = UploadRepository(db)
            upload = await repository.get_for_update(upload_id, actor.user_id)
            live = upload is not None and upload.expires_at > datetime.now(UTC)
            if upload is None or not live or upload.state != "RECEIVED":
                raise NotFound("No such upload, or its bytes have not arrived.", field="uploadId")
            # First, so the quota check counts these bytes once, as the attachment.
            await repository.set_state(upload.id, "COMPLETED")
            entry = await self.attachments.writable_entry(db, actor, entry_id)
            staged = StagedFile(upload.name, upload.mime_type or "", _blob(upload))
            rows = await self.attachments.attach(db, actor, entry, [staged], field="uploadId")
            await self.attachments.entry_changed(db, actor, entry, added=[upload.name])
        await self.invalidate(actor.user_id)
        return rows[0]


def _blob(upload: Upload) -> StoredBlob:
    assert upload.blob_key and upload.sha256 and upload.blocks is not None
    return StoredBlob(upload.blob_key, upload.size or 0, upload.sha256, upload.blocks)


def valid_token(token: str) -> bool:
    """Whether `token` has the shape of ours (anything else is not looked up)."""
    return re.fullmatch(_TOKEN, token) is not None
