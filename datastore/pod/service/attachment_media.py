"""Attachments as a source of the media job: their queue, the live event when one is
processed, and signed thumbnail URLs.

When the job answers an attachment (READY with its thumbnail, or FAILED), the owner's open
`attachmentEvents` subscriptions hear of it through the outbox: the event commits with the
status, so it is never announced for a status that did not commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.crypto.signed_paths import SignedPaths
from datastore.kit.processing import Finished
from datastore.kit.settings import Settings
from datastore.outbox.repository import OutboxRepository
from datastore.pod.repository.attachment_processing import ATTACHMENT_QUEUE
from datastore.pod.repository.attachments import AttachmentRepository
from datastore.pod.service.file_access import FILES_PATH

PROCESSED_TOPIC = "pod.attachment.processed"


class AttachmentMedia:
    def __init__(self, settings: Settings) -> None:
        self.queue = ATTACHMENT_QUEUE
        self.thumbnails = SignedPaths(
            settings.files_signing_key_bytes,
            purpose=b"files-thumbnail",
            ttl_seconds=settings.files_url_seconds,
        )

    async def processed(self, session: AsyncSession, finished: Sequence[Finished]) -> None:
        """Announce each finished attachment to its owner, in the job's transaction."""
        rows = await AttachmentRepository(session).list_by_ids([f.id for f in finished])
        outbox = OutboxRepository(session)
        for row in rows:
            await outbox.append(
                row.user_id,
                PROCESSED_TOPIC,
                {"attachmentId": str(row.id), "entryId": str(row.entry_id), "status": row.status},
            )

    def thumbnail_path(self, attachment_id: uuid.UUID, viewer: uuid.UUID) -> str:
        """The signed `/files/<id>/thumbnail` path of an attachment's thumbnail."""
        return self.thumbnails.path(
            f"{FILES_PATH}{attachment_id}/thumbnail", str(attachment_id), viewer
        )
