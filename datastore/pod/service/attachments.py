"""Attachment use cases: stage files into the blob store, attach them to entries, remove them.

A file is first streamed into the blob store (its type sniffed from the first bytes and
checked against BLOB_ALLOWED_TYPES, its size held to BLOB_MAX_BYTES and the user's quota
while it streams), then attached in one transaction; if anything fails after the bytes
were stored, they are deleted again, so a refused request changes nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.blobs import BlobStore, BlobTooLarge
from datastore.kit.blobs.sniffing import is_allowed, peek, sniff_mime
from datastore.kit.errors import BadUserInput, NotFound
from datastore.kit.processing import initial_status
from datastore.kit.settings import Settings
from datastore.pod.files import (
    MAX_ATTACHMENTS_PER_ENTRY,
    IncomingFile,
    StagedFile,
    clean_file_name,
)
from datastore.pod.repository.attachments import (
    AttachmentRepository,
    BlobGarbageRepository,
    StorageRepository,
)
from datastore.pod.repository.entries import EntryRepository
from datastore.pod.service.changes import Actor, EntryDraft
from datastore.pod.service.entries import EntryService
from datastore.pod.service.journal import Journal
from datastore.pod.tables import Attachment, Entry

log = structlog.get_logger("personalpod.pod.attachments")


@dataclass(frozen=True)
class Storage:
    """A user's stored bytes and their quota."""

    used_bytes: int
    limit_bytes: int


def too_large(field: str, limit: int) -> BadUserInput:
    return BadUserInput(
        f"This file is over the {limit}-byte limit.", field=field, reason="FILE_TOO_LARGE"
    )


def over_quota(field: str, quota: int) -> BadUserInput:
    return BadUserInput(
        f"This file would take you over your {quota}-byte storage quota.",
        field=field,
        reason="QUOTA_EXCEEDED",
    )


class AttachmentService:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        blobs: BlobStore,
        settings: Settings,
        entries: EntryService,
        invalidate: Callable[[uuid.UUID], Awaitable[None]],
    ) -> None:
        self.db = db
        self.blobs = blobs
        self.settings = settings  # read per call: limits may change at run time
        self.entries = entries
        self.invalidate = invalidate

    async def storage(self, user_id: uuid.UUID) -> Storage:
        async with self.db() as db:
            used = await StorageRepository(db).used_bytes(user_id)
        return Storage(used, self.settings.blob_quota_bytes)

    async def stage(
        self, actor: Actor, file: IncomingFile, *, field: str, max_bytes: int | None = None
    ) -> StagedFile:
        """Stream `file` into the blob store, refusing a disallowed type, a file over the
        per-file limit (or `max_bytes`) and one that would pass the quota."""
        head, chunks = await peek(file.chunks)
        mime = sniff_mime(head)
        if not is_allowed(mime, self.settings.blob_types):
            raise BadUserInput(
                f"Files of type {mime} are not accepted.", field=field, reason="TYPE_NOT_ALLOWED"
            )
        per_file = self.settings.blob_max_bytes
        if max_bytes is not None:
            per_file = min(per_file, max_bytes)
        quota = self.settings.blob_quota_bytes
        room = quota - (await self.storage(actor.user_id)).used_bytes
        try:
            blob = await self.blobs.put(chunks, max_bytes=max(min(per_file, room), 0))
        except BlobTooLarge:
            error = too_large(field, per_file) if per_file <= room else over_quota(field, quota)
            raise error from None
        return StagedFile(clean_file_name(file.name), mime, blob)

    async def stage_all(
        self, actor: Actor, files: Sequence[IncomingFile], *, field: str
    ) -> list[StagedFile]:
        """`stage` each file, in order; if one fails, those already staged are deleted."""
        staged: list[StagedFile] = []
        try:
            for index, file in enumerate(files):
                staged.append(await self.stage(actor, file, field=f"{field}[{index}]"))
        except BaseException:
            await self.discard(staged)
            raise
        return staged

    async def discard(self, staged: Sequence[StagedFile]) -> None:
        """Delete staged blobs no row will name; queued for the worker if the store fails."""
        failed = []
        for file in staged:
            try:
                await self.blobs.delete(file.blob.key)
            except Exception:
                log.warning("staged_blob_delete_failed", key=file.blob.key, exc_info=True)
                failed.append(file.blob.key)
        if failed:
            async with self.db() as db, db.begin():
                await BlobGarbageRepository(db).add(failed)

    async def attach(
        self,
        db: AsyncSession,
        actor: Actor,
        entry: Entry,
        staged: Sequence[StagedFile],
        *,
        field: str,
    ) -> list[Attachment]:
        """Attachment rows for staged files, in the caller's transaction, after the quota
        and the per-entry limit are checked under the user's quota lock."""
        if not staged:
            return []
        storage = StorageRepository(db)
        await storage.lock_user(actor.user_id)
        quota = self.settings.blob_quota_bytes
        if await storage.used_bytes(actor.user_id) + sum(f.blob.size for f in staged) > quota:
            raise over_quota(field, quota)
        repository = AttachmentRepository(db)
        if await repository.count_of_entry(entry.id) + len(staged) > MAX_ATTACHMENTS_PER_ENTRY:
            raise BadUserInput(
                f"An entry holds at most {MAX_ATTACHMENTS_PER_ENTRY} files.", field=field
            )
        return await repository.insert_many(
            [
                {
                    "entry_id": entry.id,
                    "user_id": actor.user_id,
                    "blob_key": file.blob.key,
                    "name": file.name,
                    "mime_type": file.mime_type,
                    "size": file.blob.size,
                    "sha256": file.blob.sha256,
                    "blocks": file.blob.blocks,
                    # Images wait for the media job; other files are ready as they are.
                    "status": initial_status(file.mime_type),
                    "keep_metadata": file.keep_metadata,
                    # Not now(): files sent together keep the order they were sent in.
                    "created_at": func.clock_timestamp(),
                }
                for file in staged
            ]
        )

    async def create_entry(
        self, actor: Actor, draft: EntryDraft, files: Sequence[IncomingFile]
    ) -> Entry:
        """`createEntry` with files: the entry and its attachments commit together."""
        staged = await self.stage_all(actor, files, field="input.files")

        async def attach_files(db: AsyncSession, row: Entry) -> None:
            await self.attach(db, actor, row, staged, field="input.files")

        async with self._discarding_on_error(staged):
            return await self.entries.create(actor, draft, then=attach_files)

    async def add(
        self,
        actor: Actor,
        entry_id: uuid.UUID,
        file: IncomingFile,
        *,
        keep_metadata: bool = False,
    ) -> Attachment:
        """`addAttachment`: one file onto one of my entries (not in the trash)."""
        file_staged = await self.stage(actor, file, field="file")
        staged = [dataclasses.replace(file_staged, keep_metadata=keep_metadata)]
        async with self._discarding_on_error(staged):
            return (await self.add_staged(actor, entry_id, staged, field="file"))[0]

    async def add_staged(
        self, actor: Actor, entry_id: uuid.UUID, staged: Sequence[StagedFile], *, field: str
    ) -> list[Attachment]:
        """Attach staged files to my entry: a new version of it, announced to my devices."""
        async with self.db() as db, db.begin():
            entry = await self.writable_entry(db, actor, entry_id)
            rows = await self.attach(db, actor, entry, staged, field=field)
            await self.entry_changed(db, actor, entry, added=[r.name for r in rows])
        await self.invalidate(actor.user_id)
        return rows

    async def remove(self, actor: Actor, attachment_id: uuid.UUID) -> Attachment:
        """`removeAttachment`: the row goes now, its blob with the blob worker's next pass."""
        async with self.db() as db, db.begin():
            row = await AttachmentRepository(db).get_for_update(attachment_id, actor.user_id)
            if row is None:
                raise NotFound("No such attachment.", field="id")
            entry = await self.writable_entry(db, actor, row.entry_id)
            await AttachmentRepository(db).delete(row.id)
            await self.entry_changed(db, actor, entry, removed=[row.name])
        await self.invalidate(actor.user_id)
        return row

    async def writable_entry(self, db: AsyncSession, actor: Actor, entry_id: uuid.UUID) -> Entry:
        """My live entry, locked; files of an entry in the trash stay as they are."""
        entry = await EntryRepository(db).get_for_update(entry_id, actor.user_id)
        if entry is None:
            raise NotFound("No such entry.", field="entryId")
        if entry.status == "DELETED":
            raise BadUserInput("Restore this entry before changing its files.", field="entryId")
        return entry

    async def entry_changed(
        self,
        db: AsyncSession,
        actor: Actor,
        entry: Entry,
        *,
        added: Sequence[str] = (),
        removed: Sequence[str] = (),
    ) -> None:
        updated = await EntryRepository(db).update(entry.id)
        journal = Journal(db, actor)
        journal.activity(
            "UPDATED",
            "ENTRY",
            entry.id,
            kind=entry.kind,
            old={"attachmentsRemoved": list(removed)} if removed else None,
            new={"attachmentsAdded": list(added)} if added else None,
        )
        journal.change("ENTRY", entry.id, "UPDATED", updated.version, kind=entry.kind)
        await journal.flush()

    @contextlib.asynccontextmanager
    async def _discarding_on_error(self, staged: Sequence[StagedFile]) -> AsyncIterator[None]:
        try:
            yield
        except BaseException:
            await self.discard(staged)
            raise
