"""The processing queue of uploaded files (upright images without metadata, thumbnails).

Every table of files the media job works on (`attachments`, `chat_media`) has the same
processing columns: `status` (PENDING, READY, FAILED), `keep_metadata`, `processing_error`,
`processing_attempts`, `processing_after`, `thumbnail_key`, `thumbnail_size` and
`thumbnail_sha256`, next to its blob's `blob_key`, `size`, `sha256`, `blocks`, `mime_type`
and owner `user_id`. Each domain builds a `ProcessingQueue` for its own table.

A claim is a short transaction that leases rows (pushes `processing_after` ahead and counts
the attempt), so no lock is held while an image is decoded and a crashed worker's rows come
back when the lease ends; a row leased `max_attempts` times without an answer is FAILED.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.blobs import StoredBlob
from datastore.kit.blobs.store import BLOCK_BYTES
from datastore.kit.postgres import rowcount

PENDING, READY, FAILED = "PENDING", "READY", "FAILED"
GAVE_UP = "Processing failed too many times."
# Image types the media job decodes (as `filetype` sniffs them): they get a thumbnail.
PROCESSED_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp", "image/tiff"}
)


def initial_status(mime_type: str) -> str:
    """The status of a new upload: PENDING for images the media job processes, else READY
    (other files have nothing to process, so they are never queued)."""
    return PENDING if mime_type in PROCESSED_TYPES else READY


@dataclass(frozen=True)
class ProcessingJob:
    """A leased row: the file to process and how."""

    id: uuid.UUID
    user_id: uuid.UUID
    blob: StoredBlob
    mime_type: str
    keep_metadata: bool


@dataclass(frozen=True)
class Finished:
    """A row whose processing ended (READY or FAILED), for its domain's live event."""

    id: uuid.UUID
    user_id: uuid.UUID
    status: str


def thumbnail_blob(key: str, size: int, sha256: str) -> StoredBlob:
    """The StoredBlob of a thumbnail from its columns: a thumbnail is one block (the job
    refuses larger ones), whose digest is the whole file's."""
    if size > BLOCK_BYTES:
        raise ValueError("a thumbnail is at most one block")
    return StoredBlob(key, size, sha256, bytes.fromhex(sha256))


class ProcessingQueue:
    """The queue statements of one table (a constant of its domain, never client input)."""

    def __init__(self, table: str) -> None:
        self.table = table
        self._claim = text(
            f"""
            UPDATE {table}
            SET processing_after = now() + make_interval(secs => :lease),
                processing_attempts = processing_attempts + 1
            WHERE id IN (
                SELECT id FROM {table}
                WHERE status = 'PENDING' AND processing_after <= now()
                  AND processing_attempts < :max_attempts
                ORDER BY processing_after, id LIMIT :limit FOR UPDATE SKIP LOCKED
            )
            RETURNING id, user_id, blob_key, size, sha256, blocks, mime_type, keep_metadata
            """  # noqa: S608
        )
        # Leased max_attempts times and the last lease ran out: nobody will answer it.
        self._give_up = text(
            f"""
            UPDATE {table} SET status = 'FAILED', processing_error = :reason
            WHERE id IN (
                SELECT id FROM {table}
                WHERE status = 'PENDING' AND processing_after <= now()
                  AND processing_attempts >= :max_attempts
                LIMIT :limit FOR UPDATE SKIP LOCKED
            )
            RETURNING id, user_id
            """  # noqa: S608
        )
        # Only the worker whose lease found the row PENDING with the blob it read may answer.
        self._ready = text(
            f"""
            UPDATE {table}
            SET status = 'READY', processing_error = NULL,
                blob_key = :key, size = :size, sha256 = :sha256, blocks = :blocks,
                thumbnail_key = :thumbnail_key, thumbnail_size = :thumbnail_size,
                thumbnail_sha256 = :thumbnail_sha256
            WHERE id = :id AND status = 'PENDING' AND blob_key = :read_key
            """  # noqa: S608
        )
        self._failed = text(
            f"""
            UPDATE {table} SET status = 'FAILED', processing_error = :reason
            WHERE id = :id AND status = 'PENDING' AND blob_key = :read_key
            """  # noqa: S608
        )
        self._later = text(
            f"""
            UPDATE {table} SET processing_after = now() + make_interval(secs => :delay)
            WHERE id = :id AND status = 'PENDING'
            """  # noqa: S608
        )

    async def claim(
        self, session: AsyncSession, *, limit: int, lease_seconds: float, max_attempts: int
    ) -> list[ProcessingJob]:
        """Lease up to `limit` PENDING rows for `lease_seconds`."""
        rows = await session.execute(
            self._claim, {"lease": lease_seconds, "max_attempts": max_attempts, "limit": limit}
        )
        return [
            ProcessingJob(
                id=row.id,
                user_id=row.user_id,
                blob=StoredBlob(row.blob_key, row.size, row.sha256, row.blocks),
                mime_type=row.mime_type,
                keep_metadata=row.keep_metadata,
            )
            for row in rows
        ]

    async def give_up(
        self, session: AsyncSession, *, max_attempts: int, limit: int
    ) -> list[Finished]:
        """FAIL rows whose every attempt ran out without an answer (crashes, timeouts)."""
        rows = await session.execute(
            self._give_up, {"reason": GAVE_UP, "max_attempts": max_attempts, "limit": limit}
        )
        return [Finished(row.id, row.user_id, FAILED) for row in rows]

    async def ready(
        self,
        session: AsyncSession,
        job: ProcessingJob,
        *,
        stored: StoredBlob,
        thumbnail: StoredBlob | None,
    ) -> bool:
        """READY with the bytes now stored (the same blob, or a stripped copy) and the
        thumbnail; False when the row is gone or someone else answered it."""
        result = await session.execute(
            self._ready,
            {
                "id": job.id,
                "read_key": job.blob.key,
                "key": stored.key,
                "size": stored.size,
                "sha256": stored.sha256,
                "blocks": stored.blocks,
                "thumbnail_key": thumbnail.key if thumbnail else None,
                "thumbnail_size": thumbnail.size if thumbnail else None,
                "thumbnail_sha256": thumbnail.sha256 if thumbnail else None,
            },
        )
        return rowcount(result) == 1

    async def failed(self, session: AsyncSession, job: ProcessingJob, reason: str) -> bool:
        """FAILED for good (the file is no image we can read); False as for `ready`."""
        result = await session.execute(
            self._failed, {"id": job.id, "read_key": job.blob.key, "reason": reason}
        )
        return rowcount(result) == 1

    async def retry_later(self, session: AsyncSession, job: ProcessingJob, delay: float) -> None:
        """Try again after `delay` seconds (a store or database hiccup), within the attempts."""
        await session.execute(self._later, {"id": job.id, "delay": delay})


class MediaSource(Protocol):
    """One table of files the media job processes, and how its domain announces results."""

    queue: ProcessingQueue

    async def processed(self, session: AsyncSession, finished: list[Finished]) -> None:
        """In the transaction that set their status: record live events for these rows."""
        ...
