"""The media job: leases PENDING files, processes images off the event loop, answers each.

Which files are processed: images Pillow reads (`PROCESSED_TYPES`, sniffed at upload) are
PENDING until the job answers READY (with a thumbnail) or FAILED (with a reason); every
other file is READY from its upload and never queued (`datastore.kit.processing.
initial_status`). A file queued anyway (an older row) is answered READY without a thumbnail.

Per file: read the blob (verified), `prepare_image` in a thread, store the stripped copy
and the thumbnail, then one transaction sets READY, queues the replaced original for
deletion and records the domain's live event. A crash anywhere before that commit leaves
the lease to run out, and the file is claimed again; bounded by MEDIA_MAX_ATTEMPTS.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import structlog

from datastore.kit.blobs import BlobCorrupted, BlobMissing, BlobStore, StoredBlob
from datastore.kit.clients import Clients
from datastore.kit.images import ImageRejected, PreparedImage, prepare_image
from datastore.kit.polling import drain_forever
from datastore.kit.processing import (
    FAILED,
    PROCESSED_TYPES,
    READY,
    Finished,
    MediaSource,
    ProcessingJob,
)
from datastore.pod.repository.attachments import BlobGarbageRepository

log = structlog.get_logger("personalpod.media")

TOO_LARGE = "The image is too large to process."
UNREADABLE = "The stored file is missing or damaged."
RETRY_SECONDS = 5.0


async def _one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


class MediaProcessor:
    def __init__(self, clients: Clients, sources: Sequence[MediaSource]) -> None:
        self.db = clients.db
        self.blobs: BlobStore = clients.blobs
        self.settings = clients.settings.media
        self.sources = list(sources)

    async def run(self) -> None:
        """Forever: drain the queues, then sleep. Safe to run in many processes at once."""
        await drain_forever(
            self.run_once,
            interval_seconds=lambda: self.settings.poll_seconds,
            failure_event="media_job_failed",
            log=log,
        )

    async def run_once(self) -> int:
        """Lease one batch from each source and answer every file; how many were leased."""
        leased = 0
        for source in self.sources:
            jobs = await self._claim(source)
            for job in jobs:
                await self.process(source, job)
            leased += len(jobs)
        return leased

    async def _claim(self, source: MediaSource) -> list[ProcessingJob]:
        settings = self.settings
        async with self.db() as session, session.begin():
            abandoned = await source.queue.give_up(
                session, max_attempts=settings.max_attempts, limit=settings.batch
            )
            if abandoned:
                await source.processed(session, abandoned)
            return await source.queue.claim(
                session,
                limit=settings.batch,
                lease_seconds=settings.lease_seconds,
                max_attempts=settings.max_attempts,
            )

    async def process(self, source: MediaSource, job: ProcessingJob) -> None:
        """Answer one leased file: READY, FAILED, or (on a hiccup) again a little later."""
        if job.mime_type not in PROCESSED_TYPES:
            await self._ready(source, job, stored=None, thumbnail=None)
            return
        if job.blob.size > self.settings.max_image_bytes:
            await self._failed(source, job, TOO_LARGE)
            return
        try:
            data = await self._read(job.blob)
            prepared = await asyncio.to_thread(
                prepare_image,
                data,
                keep_metadata=job.keep_metadata,
                max_pixels=self.settings.max_pixels,
            )
        except (BlobMissing, BlobCorrupted):
            await self._failed(source, job, UNREADABLE)
            return
        except ImageRejected as rejected:
            await self._failed(source, job, str(rejected))
            return
        except Exception:
            log.exception("media_read_failed", id=str(job.id))
            await self._later(source, job)
            return
        await self._store_and_answer(source, job, prepared)

    async def _store_and_answer(
        self, source: MediaSource, job: ProcessingJob, prepared: PreparedImage
    ) -> None:
        written: list[StoredBlob] = []
        try:
            stored = None
            if prepared.stored is not None:
                stored = await self._put(prepared.stored)
                written.append(stored)
            thumbnail = await self._put(prepared.thumbnail)
            written.append(thumbnail)
            answered = await self._ready(source, job, stored=stored, thumbnail=thumbnail)
        except Exception:
            log.exception("media_store_failed", id=str(job.id))
            answered = False
            await self._later(source, job)
        if not answered:
            await self._discard(written)

    async def _read(self, blob: StoredBlob) -> bytes:
        return b"".join([chunk async for chunk in self.blobs.get(blob)])

    async def _put(self, data: bytes) -> StoredBlob:
        return await self.blobs.put(_one_chunk(data), max_bytes=len(data))

    async def _ready(
        self,
        source: MediaSource,
        job: ProcessingJob,
        *,
        stored: StoredBlob | None,
        thumbnail: StoredBlob | None,
    ) -> bool:
        async with self.db() as session, session.begin():
            answered = await source.queue.ready(
                session, job, stored=stored or job.blob, thumbnail=thumbnail
            )
            if answered:
                if stored is not None:  # the original, with its metadata, goes
                    await BlobGarbageRepository(session).add([job.blob.key])
                await source.processed(session, [Finished(job.id, job.user_id, READY)])
        return answered

    async def _failed(self, source: MediaSource, job: ProcessingJob, reason: str) -> None:
        async with self.db() as session, session.begin():
            if await source.queue.failed(session, job, reason):
                await source.processed(session, [Finished(job.id, job.user_id, FAILED)])

    async def _later(self, source: MediaSource, job: ProcessingJob) -> None:
        try:
            async with self.db() as session, session.begin():
                await source.queue.retry_later(session, job, RETRY_SECONDS)
        except Exception:
            log.exception("media_retry_failed", id=str(job.id))  # the lease runs out instead

    async def _discard(self, blobs: list[StoredBlob]) -> None:
        """Blobs this attempt wrote that no row names: queue them for deletion."""
        if not blobs:
            return
        try:
            async with self.db() as session, session.begin():
                await BlobGarbageRepository(session).add([b.key for b in blobs])
        except Exception:
            log.exception("media_discard_failed", keys=[b.key for b in blobs])
