"""The blob worker: deletes the blobs that no row names any more, and expired uploads.

Rows leave their blob keys in `blob_garbage` when they go (triggers, in the deleting
transaction), so a blob is deleted only after the deletion of its row committed, and a
failed delete is simply retried on the next pass.
"""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.blobs import BlobMissing, BlobStore
from datastore.kit.polling import drain_forever
from datastore.pod.repository.attachments import BlobGarbageRepository
from datastore.pod.repository.uploads import UploadRepository

log = structlog.get_logger("personalpod.pod.blobs")

BATCH_SIZE = 100


class BlobCollector:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        blobs: BlobStore,
        *,
        interval_seconds: float,
    ) -> None:
        self.db = db
        self.blobs = blobs
        self.interval_seconds = interval_seconds

    async def run(self) -> None:
        """Forever: drain the queue, then sleep. Safe to run in many processes at once."""
        await drain_forever(
            self.run_once,
            interval_seconds=lambda: self.interval_seconds,
            failure_event="blob_collector_failed",
            log=log,
        )

    async def run_once(self) -> int:
        """Expire one batch of uploads and delete one batch of blobs; how many went."""
        async with self.db() as db, db.begin():
            expired = await UploadRepository(db).delete_expired(BATCH_SIZE)
        async with self.db() as db, db.begin():
            garbage = BlobGarbageRepository(db)
            keys = await garbage.claim(BATCH_SIZE)
            deleted = []
            for key in keys:
                try:
                    await self.blobs.delete(key)
                except BlobMissing:
                    pass  # not a key of ours: nothing to delete
                except Exception:
                    log.warning("blob_delete_failed", key=key, exc_info=True)
                    continue
                deleted.append(key)
            if deleted:
                await garbage.remove(deleted)
        if deleted:
            log.info("blobs_deleted", count=len(deleted))
        return expired + len(deleted)
