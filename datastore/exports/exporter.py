"""Writing one user's archive: every section from one PostgreSQL snapshot, the user's
DynamoDB partitions and the attachment files of the blob store, into a zip on disk."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.repository.users import UserRepository
from datastore.chat.repository.inbox import InboxRepository
from datastore.chat.repository.messages import MessageRepository
from datastore.exports.archive import ArchiveWriter, Manifest
from datastore.exports.readme import CONSISTENCY, render
from datastore.exports.sections import SECTIONS, ExportedEntry, Scope, Section
from datastore.kit.blobs import BlobError, BlobStore, StoredBlob
from datastore.kit.dynamodb import Dynamo
from datastore.kit.errors import NotFound
from datastore.notifications.repository import NotificationRepository
from datastore.pod.service.datakeys import DataKeys

log = structlog.get_logger("personalpod.exports")

# Called after each section with (sections done, sections in all).
Progress = Callable[[int, int], Awaitable[None]]


async def _no_progress(done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Written:
    """What an archive holds: its manifest, and the pod entries in it (for the activity log)."""

    manifest: Manifest
    entries: list[ExportedEntry]


class ArchiveFiles:
    """The archive's FileSink: blobs copied in, each verified as it is read."""

    def __init__(self, writer: ArchiveWriter, blobs: BlobStore, manifest: Manifest) -> None:
        self.writer = writer
        self.blobs = blobs
        self.manifest = manifest

    async def add(self, name: str, blob: StoredBlob, *, compress: bool) -> bool:
        try:
            size, _ = await self.writer.write_file(name, self.blobs.get(blob), compress=compress)
        except BlobError:
            # Lost or damaged in the store: the archive says so rather than fail whole.
            log.warning("export_file_unreadable", key=blob.key, exc_info=True)
            self.manifest.missing_files += 1
            return False
        self.manifest.file_stored(size)
        return True


class Exporter:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        dynamo: Dynamo,
        blobs: BlobStore,
        keys: DataKeys,
        sections: Sequence[Section] = SECTIONS,
    ) -> None:
        self.db = db
        self.blobs = blobs
        self.keys = keys
        self.sections = sections
        self.sessions = SessionRepository(dynamo)
        self.notifications = NotificationRepository(dynamo)
        self.inbox = InboxRepository(dynamo)
        self.messages = MessageRepository(dynamo)

    async def write(
        self,
        user_id: uuid.UUID,
        path: Path,
        *,
        archive_id: uuid.UUID,
        progress: Progress = _no_progress,
    ) -> Written:
        """The archive of `user_id` at `path`; NOT_FOUND for no such user."""
        writer = ArchiveWriter(path)
        try:
            async with self._snapshot() as db:
                user = await UserRepository(db).get_by_id(user_id)
                if user is None:
                    raise NotFound("No such account.")
                manifest = Manifest(
                    archive_id=archive_id,
                    user_id=user.id,
                    created_at=datetime.now(UTC).isoformat(),
                    # Read first in the snapshot: the archive holds every change up to it.
                    sync_seq=user.event_seq,
                    consistency=CONSISTENCY,
                )
                scope = Scope(
                    user=user,
                    db=db,
                    keys=self.keys,
                    sessions=self.sessions,
                    notifications=self.notifications,
                    inbox=self.inbox,
                    messages=self.messages,
                    files=ArchiveFiles(writer, self.blobs, manifest),
                )
                for done, section in enumerate(self.sections, start=1):
                    manifest.files.append(await writer.write_section(section, section.rows(scope)))
                    await progress(done, len(self.sections))
            writer.finish(manifest, render(self.sections))
        except BaseException:
            writer.abort()
            raise
        return Written(manifest, scope.entries)

    @contextlib.asynccontextmanager
    async def _snapshot(self) -> AsyncIterator[AsyncSession]:
        """One read-only REPEATABLE READ transaction: every statement sees one snapshot,
        taken at its first query."""
        async with self.db() as db:
            await db.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            await db.execute(text("SET TRANSACTION READ ONLY"))
            try:
                yield db
            finally:
                await db.rollback()
