"""Who may read an entry's files, and the signed URLs that carry that decision to /files.

`files_access` is the one place that decides it (the owner, or a live share's sharer); the
download endpoint asks it on every request, so a URL stops working as soon as access ends.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.crypto.url_signing import UrlSigner
from datastore.kit.settings import Settings
from datastore.pod.repository.attachments import AttachmentRepository
from datastore.pod.repository.entries import EntryRepository
from datastore.pod.service.access import Access, access_in, owner_access
from datastore.pod.tables import Attachment, Entry

FILES_PATH = "/files/"


@dataclass(frozen=True)
class DownloadGrant:
    """What a valid download URL names: the file and the viewer it was issued to."""

    attachment_id: uuid.UUID
    viewer_id: uuid.UUID


@dataclass(frozen=True)
class ReadableFile:
    """A file the viewer may read now, and how: as its entry's owner or through a share."""

    row: Attachment
    access: Access


class FileAccess:
    def __init__(self, read_db: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.read_db = read_db
        self.settings = settings
        self.signer = UrlSigner(settings.files_signing_key_bytes, purpose=b"files")

    async def files_access(
        self, db: AsyncSession, viewer_id: uuid.UUID, entry: Entry
    ) -> Access | None:
        """THE decision "may this viewer read this entry's files": whoever may read the entry,
        its owner or a live share's sharer (the rule of `access_in`, checked at each request).
        None when they may not."""
        if entry.user_id == viewer_id:
            return owner_access(entry.id, entry.user_id, entry.kind)
        return (await access_in(db, viewer_id, [entry.id])).get(entry.id)

    async def readable(self, viewer_id: uuid.UUID, attachment_id: uuid.UUID) -> ReadableFile | None:
        """The attachment, if its entry is live and the viewer may read its files."""
        async with self.read_db() as db:
            rows = await AttachmentRepository(db).list_by_ids([attachment_id])
            entries = await EntryRepository(db).list_by_ids([rows[0].entry_id]) if rows else []
            access = await self.files_access(db, viewer_id, entries[0]) if entries else None
        return ReadableFile(rows[0], access) if access is not None else None

    def download_path(
        self, attachment_id: uuid.UUID, viewer_id: uuid.UUID, *, now: float | None = None
    ) -> str:
        """`/files/<id>?v=<viewer>&e=<expiry>&s=<signature>`, valid FILES_URL_SECONDS or a
        little more: the expiry is rounded up to the minute, so a page of images re-read
        within the minute gets the same URLs (and the browser's cache)."""
        ttl = self.settings.files_url_seconds
        issued = time.time() if now is None else now
        expires = math.ceil((issued + ttl) / 60) * 60
        signature = self.signer.sign(str(attachment_id), str(viewer_id), str(expires))
        return f"{FILES_PATH}{attachment_id}?v={viewer_id}&e={expires}&s={signature}"

    def grant(
        self, attachment_id: str, viewer: str, expires: str, signature: str
    ) -> DownloadGrant | None:
        """What a download URL grants; None when it is malformed, forged or expired."""
        try:
            grant = DownloadGrant(uuid.UUID(attachment_id), uuid.UUID(viewer))
            expires_at = int(expires)
        except ValueError:
            return None
        parts = (str(grant.attachment_id), str(grant.viewer_id), str(expires_at))
        if not self.signer.valid(signature, *parts, expires_at=expires_at):
            return None
        return grant
