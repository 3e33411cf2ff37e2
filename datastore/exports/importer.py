"""Importing the pod and journal parts of an archive into an account, in one transaction.

The archive is checked whole first (datastore/exports/reader.py); the attachment files are
then staged into the blob store (type, size and quota checked as any upload's), and every
row is written in one transaction, which the staged files not attached leave again. Each
object brought in is recorded with the archive's id and its id there (`import_records`),
so importing the same archive again creates nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.exports.import_journal import JournalImport
from datastore.exports.import_pod import PodImport
from datastore.exports.items import ItemReader
from datastore.exports.ledger import ImportReport, Ledger
from datastore.exports.reader import BAD_ARCHIVE, ArchiveReader, ReadLimits
from datastore.exports.repository import ImportRecordRepository
from datastore.exports.sections import Section, journal, pod
from datastore.kit.errors import DomainError
from datastore.pod.files import IncomingFile, StagedFile
from datastore.pod.service.attachments import AttachmentService
from datastore.pod.service.changes import Actor
from datastore.pod.service.datakeys import DataKeys

# Called with (steps done, steps in all): reading the archive, its files, then each kind.
Progress = Callable[[int, int], Awaitable[None]]
# Written last in the import's transaction (the security audit record).
Then = Callable[[AsyncSession, ImportReport], Awaitable[None]]


async def _no_progress(done: int, total: int) -> None:
    return None


async def _nothing(db: AsyncSession, report: ImportReport) -> None:
    return None


# What an import reads, in the order it creates them (tags before the entries naming them).
IMPORTED: tuple[Section, ...] = (
    pod.CATEGORIES,
    pod.TAGS,
    pod.ENTRIES,
    pod.ATTACHMENTS,
    journal.TAGS,
    journal.ENTRIES,
    journal.REMINDERS,
)


class Importer:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        keys: DataKeys,
        attachments: AttachmentService,
        limits: ReadLimits,
    ) -> None:
        self.db = db
        self.keys = keys
        self.attachments = attachments
        self.limits = limits

    async def import_archive(
        self,
        user_id: uuid.UUID,
        path: Path,
        *,
        progress: Progress = _no_progress,
        then: Then = _nothing,
    ) -> ImportReport:
        """Import an archive file into `user_id`'s account; BAD_USER_INPUT (field `file`)
        and nothing changed when it is not a whole, valid archive within the limits."""
        total = 2 + len(IMPORTED)
        reader = await asyncio.to_thread(ArchiveReader, path, self.limits)
        try:
            items = await asyncio.to_thread(_read_all, reader)
            report = ImportReport(reader.archive_id)
            await progress(1, total)
            staged = await self._stage(user_id, reader, items[pod.ATTACHMENTS.name])
            await progress(2, total)
            try:
                attached = await self._write(user_id, report, items, staged, progress, then)
            except BaseException:
                await self.attachments.discard(list(staged.values()))
                raise
        finally:
            reader.close()
        # Staged for an entry that was not created (expired since the export): not kept.
        await self.attachments.discard([f for s, f in staged.items() if s not in attached])
        await self.attachments.invalidate(user_id)
        return report

    async def _write(
        self,
        user_id: uuid.UUID,
        report: ImportReport,
        items: dict[str, list[dict[str, Any]]],
        staged: dict[uuid.UUID, StagedFile],
        progress: Progress,
        then: Then,
    ) -> set[uuid.UUID]:
        """Every row, in one transaction; the ids of the staged files that were attached."""
        total = 2 + len(IMPORTED)
        async with self.db() as db, db.begin():
            ledger = Ledger(
                db,
                user_id,
                report.archive_id,
                report,
                lambda: progress(2 + len(report.kinds), total),
            )
            # Two imports of one archive at once: the second waits, then finds it done.
            await ledger.records.lock_archive(user_id, report.archive_id)
            pod_import = PodImport(db, user_id, ledger, self.keys, self.attachments)
            await pod_import.run(
                items[pod.CATEGORIES.name],
                items[pod.TAGS.name],
                items[pod.ENTRIES.name],
                items[pod.ATTACHMENTS.name],
                staged,
            )
            await JournalImport(db, user_id, ledger).run(
                items[journal.TAGS.name],
                items[journal.ENTRIES.name],
                items[journal.REMINDERS.name],
            )
            await then(db, report)
        return pod_import.attached

    async def _stage(
        self, user_id: uuid.UUID, reader: ArchiveReader, items: list[dict[str, Any]]
    ) -> dict[uuid.UUID, StagedFile]:
        """The files of the attachments an earlier import of this archive did not bring in,
        streamed from the archive into the blob store; all deleted again if one fails."""
        async with self.db() as db:
            known = await ImportRecordRepository(db).targets(
                user_id, reader.archive_id, pod.ATTACHMENTS.name
            )
        staged: dict[uuid.UUID, StagedFile] = {}
        try:
            for index, item in enumerate(items):
                source, file = _attachment_file(
                    reader, ItemReader(pod.ATTACHMENTS.file, index, item)
                )
                if source in known or file is None:
                    continue
                try:
                    stored = await self.attachments.stage(Actor(user_id, None), file, field="file")
                    # Kept byte for byte: the media job processed it once in the account
                    # it was exported from (it makes the thumbnail again, nothing else).
                    staged[source] = dataclasses.replace(stored, keep_metadata=True)
                except DomainError as error:
                    if error.extensions.get("reason") == BAD_ARCHIVE:
                        raise  # the archive's own file is damaged: said already
                    where = ItemReader(pod.ATTACHMENTS.file, index, item)
                    raise where.about("file", error) from None
        except BaseException:
            await self.attachments.discard(list(staged.values()))
            raise
        return staged


def _attachment_file(
    reader: ArchiveReader, item: ItemReader
) -> tuple[uuid.UUID, IncomingFile | None]:
    """An attachment item's id and its file in the archive (None when it was exported
    without one)."""
    source = item.uuid("id")
    name = item.optional_text("file")
    if name is None:
        return source, None
    size = item.integer("size")
    if not reader.has_file(name, size):
        raise item.bad("file", f"the archive holds no file {name!r} of {size} bytes.")
    return source, IncomingFile(item.text("name"), reader.file_chunks(name, item.text("sha256")))


def _read_all(reader: ArchiveReader) -> dict[str, list[dict[str, Any]]]:
    """Every imported section's items, each file checked, before anything is written."""
    return {s.name: reader.items(s) for s in IMPORTED}
