"""Writing the archive's zip file, section by section and file by file, to disk (the
reading side, with an import's limits, is `reader.py`)."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import tempfile
import time
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from datastore.exports.sections import Section

MANIFEST = "manifest.json"
README = "README.md"
MANIFEST_FORMAT = "personalpod.export.manifest"
MANIFEST_VERSION = 1
WRITE_CHUNK = 64 * 1024


@dataclass
class FileSummary:
    """What the manifest says of one section's file."""

    name: str
    file: str
    format: str
    version: int
    items: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "format": self.format,
            "version": self.version,
            "items": self.items,
            "sha256": self.sha256,
        }


@dataclass
class Manifest:
    archive_id: uuid.UUID
    user_id: uuid.UUID
    created_at: str
    sync_seq: int
    consistency: str
    files: list[FileSummary] = field(default_factory=list)
    # The attachment files under files/: how many, their bytes, and how many could not be
    # read from the blob store (their items say `file: null`).
    stored_files: int = 0
    stored_bytes: int = 0
    missing_files: int = 0

    def counts(self) -> dict[str, int]:
        return {f.name: f.items for f in self.files}

    def file_stored(self, size: int) -> None:
        self.stored_files += 1
        self.stored_bytes += size

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MANIFEST_FORMAT,
            "version": MANIFEST_VERSION,
            "archiveId": str(self.archive_id),
            "userId": str(self.user_id),
            "createdAt": self.created_at,
            "syncPosition": {"seq": self.sync_seq},
            "consistency": self.consistency,
            "files": [f.to_json() for f in self.files],
            "attachmentFiles": {
                "count": self.stored_files,
                "bytes": self.stored_bytes,
                "missing": self.missing_files,
            },
        }


class ArchiveWriter:
    """A zip on disk (not in memory): one JSON file per section, the files of attachments
    as they are, README and manifest last."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)

    async def write_section(
        self, section: Section, items: AsyncIterator[dict[str, Any]]
    ) -> FileSummary:
        """Stream `items` into the section's file: `{"format", "version", "items": [...]}`.
        An item with a field the section does not document is a bug, and fails here.

        The JSON goes to a temporary file first: while the items are read, a section may
        add other files (an attachment's bytes) to the zip, which has one member open at
        a time."""
        digest = hashlib.sha256()
        count = 0
        with tempfile.TemporaryFile() as spool:
            buffer = bytearray(
                orjson.dumps({"format": section.format, "version": section.version})[:-1]
                + b',"items":['
            )
            async for item in items:
                undocumented = set(item) - section.field_names
                if undocumented:
                    raise ValueError(f"{section.name}: undocumented fields {sorted(undocumented)}")
                buffer += (b",\n" if count else b"\n") + orjson.dumps(item)
                count += 1
                if len(buffer) >= WRITE_CHUNK:
                    _write(spool, digest, buffer)
                    buffer = bytearray()
            buffer += b"\n]}\n"
            _write(spool, digest, buffer)
            spool.seek(0)
            await asyncio.to_thread(self._copy_in, section.file, spool, zipfile.ZIP_DEFLATED)
        return FileSummary(
            section.name, section.file, section.format, section.version, count, digest.hexdigest()
        )

    async def write_file(
        self, name: str, chunks: AsyncIterator[bytes], *, compress: bool
    ) -> tuple[int, str]:
        """A file (an attachment's bytes) at `name`: (size, SHA-256). It is read whole into a
        temporary file first, so a read that fails half way leaves nothing in the zip."""
        digest = hashlib.sha256()
        size = 0
        with tempfile.TemporaryFile() as spool:
            async for chunk in chunks:
                await asyncio.to_thread(spool.write, chunk)
                digest.update(chunk)
                size += len(chunk)
            spool.seek(0)
            method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            await asyncio.to_thread(self._copy_in, name, spool, method)
        return size, digest.hexdigest()

    def _copy_in(self, name: str, source: IO[bytes], method: int) -> None:
        info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
        info.compress_type = method
        with self.zip.open(info, "w", force_zip64=True) as member:
            shutil.copyfileobj(source, member, WRITE_CHUNK)

    def finish(self, manifest: Manifest, readme: str) -> None:
        self.zip.writestr(README, readme)
        self.zip.writestr(MANIFEST, orjson.dumps(manifest.to_json(), option=orjson.OPT_INDENT_2))
        self.zip.close()

    def abort(self) -> None:
        self.zip.close()


def _write(member: IO[bytes], digest: Any, data: bytearray) -> None:
    digest.update(data)
    member.write(data)
