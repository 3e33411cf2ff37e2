"""Export use cases: request one (rate limited, audited), list mine, build archives in a
worker, serve them through signed URLs until they expire, and import one into an account.

A request inserts a PENDING row; the worker claims it (FOR UPDATE SKIP LOCKED), writes the
archive to a temporary file section by section (progress after each), streams it into the
blob store, marks it READY with its size and SHA-256, records an EXPORTED activity for each
pod entry in it, and notifies the owner (kind EXPORT). Archives past EXPORT_KEEP_HOURS are
deleted from the blob store and marked EXPIRED.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from datastore.accounts.repository.users import UserRepository
from datastore.accounts.service.security_log import Client, security_event
from datastore.exports.downloads import ArchiveGrant, ArchiveUrls
from datastore.exports.exporter import Exporter, Progress, Written
from datastore.exports.importer import Importer, ImportReport
from datastore.exports.importer import Progress as ImportProgress
from datastore.exports.reader import ReadLimits
from datastore.exports.repository import ExportRepository
from datastore.exports.sections import ExportedEntry
from datastore.exports.tables import Export
from datastore.kit.blobs import BlobError, StoredBlob
from datastore.kit.clients import Clients
from datastore.kit.errors import BadUserInput
from datastore.kit.polling import drain_forever, woken_by
from datastore.kit.pubsub import REDIS_ERRORS
from datastore.kit.ratelimit import Limit
from datastore.notifications.service import NotificationService
from datastore.pod.files import IncomingFile
from datastore.pod.repository.activity import ActivityRepository
from datastore.pod.service.attachments import AttachmentService
from datastore.pod.service.datakeys import DataKeys
from datastore.security_audit.events import SecurityEvent, SecurityEventType
from datastore.security_audit.service import SecurityAuditLog

log = structlog.get_logger("personalpod.exports")

DAY_SECONDS = 24 * 3600
READ_CHUNK = 1024 * 1024
# A RUNNING job whose worker has not reported progress for this long died; another
# worker takes it over, up to MAX_ATTEMPTS times in all.
STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3
EXPIRE_BATCH = 50
ACTIVITY_BATCH = 1000
FAILED_MESSAGE = "The export failed; request a new one."
# A request tells the export workers of every process (the `personalpod worker` children)
# to look now rather than at their next EXPORT_POLL_SECONDS.
REQUESTED_CHANNEL = "exports:requested"


async def _no_progress(done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Caller:
    """Who asks: the account, its device session, and the client (for the audit log)."""

    user_id: uuid.UUID
    session_id: str | None
    ip: str | None
    user_agent: str | None


class ExportService:
    def __init__(
        self,
        clients: Clients,
        notifications: NotificationService,
        keys: DataKeys,
        attachments: AttachmentService,
        security_audit: SecurityAuditLog,
    ) -> None:
        self.clients = clients
        self.db = clients.db
        self.read_db = clients.read_db
        self.blobs = clients.blobs
        self.settings = clients.settings
        self.notifications = notifications
        self.security_audit = security_audit
        self.exporter = Exporter(clients.db, clients.dynamo, clients.blobs, keys)
        self.importer = Importer(
            clients.db,
            keys,
            attachments,
            ReadLimits(
                max_total_bytes=self.settings.export.max_bytes,
                max_file_bytes=self.settings.blob_max_bytes,
            ),
        )
        self.urls = ArchiveUrls(
            self.settings.files_signing_key_bytes, ttl_seconds=self.settings.export.url_seconds
        )
        # Set by a request in this process, or one published on REQUESTED_CHANNEL, so the
        # worker starts at once.
        self.wake = asyncio.Event()

    # ------------------------------------------------------------------ requests

    async def request(self, caller: Caller) -> Export:
        """A new PENDING export of my data; RATE_LIMITED past EXPORT_LIMIT_PER_DAY."""
        await self._daily(
            f"exports:{caller.user_id}", self.settings.export.limit_per_day, "exports"
        )
        async with self.db() as db, db.begin():
            row = await ExportRepository(db).create(caller.user_id)
            await self._audit(db, SecurityEventType.EXPORT_REQUESTED, row.id, caller)
        self.wake.set()
        await self._wake_other_processes()
        log.info("export_requested", export_id=str(row.id), user_id=str(caller.user_id))
        return row

    async def _wake_other_processes(self) -> None:
        try:
            await self.clients.broker.publish(REQUESTED_CHANNEL, b"")
        except REDIS_ERRORS:  # the row is committed: the workers' poll finds it
            log.warning("export_wake_failed")

    async def list_exports(
        self, user_id: uuid.UUID, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[Export]:
        """My exports, newest first, after a (created_at, id) keyset."""
        async with self.read_db() as db:
            return await ExportRepository(db).page_for_user(user_id, after=after, limit=limit)

    async def downloadable(self, grant: ArchiveGrant) -> tuple[Export, StoredBlob] | None:
        """The archive a valid grant names, if its viewer owns it and it has not expired."""
        async with self.read_db() as db:
            rows = await ExportRepository(db).list_by_ids([grant.export_id])
        row = rows[0] if rows else None
        if row is None or row.user_id != grant.viewer_id or not _ready(row):
            return None
        return row, _stored(row)

    async def downloaded(self, row: Export, session_id: str, client: Client) -> None:
        """Audit a download of my archive from one of my sessions."""
        caller = Caller(row.user_id, session_id, client.ip, client.user_agent)
        event = _event(SecurityEventType.EXPORT_DOWNLOADED, row.id, caller)
        await self.security_audit.record_alone(event)

    # ------------------------------------------------------------------ worker

    async def run(self) -> None:
        """Forever: build waiting archives, delete expired ones, then wait for a request
        (in any process) or EXPORT_POLL_SECONDS. Safe to run in many processes at once."""

        def interval() -> float:
            return self.settings.export.poll_seconds

        broker = self.clients.broker
        async with woken_by(broker, REQUESTED_CHANNEL, self.wake, retry_seconds=interval, log=log):
            await drain_forever(
                self.run_batch,
                interval_seconds=interval,
                failure_event="export_worker_failed",
                log=log,
                wake=self.wake,
            )

    async def run_batch(self) -> int:
        return int(await self.run_once()) + await self.expire_once()

    async def run_once(self) -> bool:
        """Claim and build one waiting export; False when none waits."""
        now = datetime.now(UTC)
        async with self.db() as db, db.begin():
            repository = ExportRepository(db)
            for dead in await repository.lock_exhausted(
                stale_before=now - STALE_AFTER, max_attempts=MAX_ATTEMPTS
            ):
                await repository.set_values(dead.id, status="FAILED", error=FAILED_MESSAGE)
            claimed = await repository.claim_next(
                stale_before=now - STALE_AFTER, max_attempts=MAX_ATTEMPTS
            )
            if claimed is None:
                return False
            row = await repository.set_values(
                claimed.id,
                status="RUNNING",
                progress=0,
                attempts=claimed.attempts + 1,
                claimed_at=func.now(),
            )
        await self._build(row)
        return True

    async def _build(self, row: Export) -> None:
        try:
            with tempfile.TemporaryDirectory(prefix="pp-export-") as folder:
                path = Path(folder) / "export.zip"
                written = await self.write_archive(row.user_id, path, archive_id=row.id)
                stored = await self.blobs.put(
                    file_chunks(path), max_bytes=self.settings.export.max_bytes
                )
        except Exception:
            log.exception("export_failed", export_id=str(row.id))
            await self._set(row.id, status="FAILED", error=FAILED_MESSAGE)
            return
        finished = await self._finish(row.id, written, stored)
        if finished is None:  # the account went away meanwhile
            await self.blobs.delete(stored.key)
            return
        await self.notifications.notify(
            row.user_id,
            "EXPORT",
            title="Your data export is ready",
            body=f"Download it before {finished.expires_at:%Y-%m-%d %H:%M} UTC.",
            data={"exportId": str(relay.GlobalID("Export", str(row.id)))},
            dedupe_key=f"export:{row.id}",
        )
        log.info("export_ready", export_id=str(row.id), bytes=stored.size)

    async def write_archive(
        self, user_id: uuid.UUID, path: Path, *, archive_id: uuid.UUID
    ) -> Written:
        """Write the archive of `user_id` to `path`, reporting progress on the export row."""

        async def progress(done: int, total: int) -> None:
            # 100 only once the archive is stored.
            await self._progress(archive_id, min(99, done * 100 // total))

        return await self.exporter.write(user_id, path, archive_id=archive_id, progress=progress)

    async def _progress(self, export_id: uuid.UUID, progress: int) -> None:
        async with self.db() as db, db.begin():
            await ExportRepository(db).set_progress(export_id, progress)

    async def _finish(
        self, export_id: uuid.UUID, written: Written, stored: StoredBlob
    ) -> Export | None:
        expires_at = datetime.now(UTC) + timedelta(hours=self.settings.export.keep_hours)
        async with self.db() as db, db.begin():
            rows = await ExportRepository(db).list_by_ids([export_id])
            if not rows:
                return None
            await record_exported(db, rows[0].user_id, export_id, written.entries)
            return await ExportRepository(db).set_values(
                export_id,
                status="READY",
                progress=100,
                sync_seq=written.manifest.sync_seq,
                blob_key=stored.key,
                size_bytes=stored.size,
                sha256=stored.sha256,
                blob_blocks=stored.blocks,
                item_counts=written.manifest.counts(),
                finished_at=func.now(),
                expires_at=expires_at,
                error=None,
            )

    async def _set(self, export_id: uuid.UUID, **values: object) -> None:
        async with self.db() as db, db.begin():
            if await ExportRepository(db).list_by_ids([export_id]):
                await ExportRepository(db).set_values(export_id, **values)

    async def expire_once(self) -> int:
        """Delete the blobs of archives past their expiry and mark them EXPIRED."""
        async with self.db() as db, db.begin():
            repository = ExportRepository(db)
            rows = await repository.lock_expired(now=datetime.now(UTC), limit=EXPIRE_BATCH)
            for row in rows:
                if row.blob_key:
                    try:
                        await self.blobs.delete(row.blob_key)
                    except BlobError:
                        log.exception("export_blob_delete_failed", export_id=str(row.id))
                        continue
                await repository.set_values(
                    row.id, status="EXPIRED", blob_key=None, blob_blocks=None
                )
        if rows:
            log.info("exports_expired", count=len(rows))
        return len(rows)

    # ------------------------------------------------------------------ operators

    async def user_id_by_login(self, login: str) -> uuid.UUID | None:
        """The account of an email or user name (for operators' commands)."""
        async with self.read_db() as db:
            user = await UserRepository(db).get_by_login(login)
        return user.id if user else None

    async def export_to_file(
        self, caller: Caller, path: Path, *, progress: Progress = _no_progress
    ) -> Written:
        """`personalpod export`: the archive written to `path`, audited and in the activity
        log as a requested one is (it is not kept in the blob store)."""
        archive_id = uuid.uuid4()
        written = await self.exporter.write(
            caller.user_id, path, archive_id=archive_id, progress=progress
        )
        async with self.db() as db, db.begin():
            await record_exported(db, caller.user_id, archive_id, written.entries)
            await self._audit(db, SecurityEventType.EXPORT_REQUESTED, archive_id, caller)
        return written

    # ------------------------------------------------------------------ import

    async def import_upload(self, caller: Caller, file: IncomingFile) -> ImportReport:
        """importArchive: an uploaded archive, spooled to disk (a zip is read by seeking),
        then imported; RATE_LIMITED past EXPORT_IMPORT_LIMIT_PER_DAY."""
        await self._daily(
            f"imports:{caller.user_id}", self.settings.export.import_limit_per_day, "imports"
        )
        with tempfile.TemporaryDirectory(prefix="pp-import-") as folder:
            path = Path(folder) / "import.zip"
            await _spool(file.chunks, path, self.settings.export.max_import_bytes)
            return await self.import_archive(caller, path)

    async def import_archive(
        self, caller: Caller, path: Path, *, progress: ImportProgress = _no_progress
    ) -> ImportReport:
        """Bring the pod and journal of an archive into my account (see Importer), audited
        in the import's transaction."""

        async def audit(db: AsyncSession, report: ImportReport) -> None:
            event = _event(
                SecurityEventType.EXPORT_IMPORTED,
                report.archive_id,
                caller,
                message=f"Archive imported: {report.created} objects created.",
            )
            await self.security_audit.record(db, event)

        return await self.importer.import_archive(
            caller.user_id, path, progress=progress, then=audit
        )

    async def _daily(self, key: str, limit: int, what: str) -> None:
        """One of today's `limit` slots, or RATE_LIMITED."""
        window = Limit(key=key, limit=limit, window=DAY_SECONDS, what=f"{what} today")
        await self.clients.limiter.reserve(window)

    async def _audit(
        self, db: AsyncSession, event_type: SecurityEventType, archive_id: uuid.UUID, caller: Caller
    ) -> None:
        await self.security_audit.record(db, _event(event_type, archive_id, caller))


MESSAGES = {
    SecurityEventType.EXPORT_REQUESTED: "An export of all the account's data was requested.",
    SecurityEventType.EXPORT_DOWNLOADED: "An export archive was downloaded.",
}


def _event(
    event_type: SecurityEventType, archive_id: uuid.UUID, caller: Caller, *, message: str = ""
) -> SecurityEvent:
    # The archive's id ties the request, the download(s) and an import of it together.
    return security_event(
        event_type,
        message or MESSAGES[event_type],
        caller,
        user_id=caller.user_id,
        session_id=caller.session_id,
        correlation_id=str(archive_id),
    )


async def record_exported(
    db: AsyncSession, user_id: uuid.UUID, archive_id: uuid.UUID, entries: list[ExportedEntry]
) -> None:
    """An EXPORTED activity record of each pod entry in an archive (which secrets it holds
    decrypted), as reading a secret records SECRET_VIEWED."""
    repository = ActivityRepository(db)
    for start in range(0, len(entries), ACTIVITY_BATCH):
        await repository.record_many(
            [
                {
                    "user_id": user_id,
                    "session_id": None,
                    "action": "EXPORTED",
                    "entity_type": "ENTRY",
                    "node_type": entry.kind.title(),
                    "entity_id": entry.entry_id,
                    "entry_id": entry.entry_id,
                    "old_values": None,
                    "new_values": {"exportId": str(archive_id), "secrets": list(entry.secrets)},
                    "actor_id": None,
                }
                for entry in entries[start : start + ACTIVITY_BATCH]
            ]
        )


def _ready(row: Export) -> bool:
    return (
        row.status == "READY"
        and row.blob_key is not None
        and row.expires_at is not None
        and row.expires_at > datetime.now(UTC)
    )


def _stored(row: Export) -> StoredBlob:
    assert row.blob_key and row.size_bytes is not None and row.sha256 and row.blob_blocks
    return StoredBlob(row.blob_key, row.size_bytes, row.sha256, row.blob_blocks)


async def file_chunks(path: Path) -> AsyncIterator[bytes]:
    """A file's bytes, a megabyte at a time, read off the event loop."""
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        while chunk := await asyncio.to_thread(handle.read, READ_CHUNK):
            yield chunk
    finally:
        handle.close()


async def _spool(chunks: AsyncIterator[bytes], path: Path, max_bytes: int) -> None:
    """An upload onto disk; BAD_USER_INPUT (FILE_TOO_LARGE) past `max_bytes`."""
    size = 0
    handle = await asyncio.to_thread(path.open, "wb")
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise BadUserInput(
                    f"An archive to import has at most {max_bytes} bytes. Nothing was imported.",
                    field="file",
                    reason="FILE_TOO_LARGE",
                )
            await asyncio.to_thread(handle.write, chunk)
    finally:
        handle.close()
