"""Blobs in a backup: every blob a row of the snapshot points at (attachments, chat media,
received uploads, thumbnails), copied as files under `blobs/`, with an index of their keys,
sizes and SHA-256.

Reads go through the store's own verified `get`, so a damaged or missing blob is never
copied: it is left out and named in the manifest (`blobs_unreadable`). A restore checks
each file against the index and puts it back under its key, so the restored rows find
their bytes."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import orjson

from datastore.kit.blobs import BlobCorrupted, BlobMissing, BlobStore, StoredBlob
from datastore.kit.processing import thumbnail_blob
from server.backup.manifest import BackupError

INDEX = "blobs/index.jsonl"
PARALLEL = 8
READ_BYTES = 1 << 20
Advance = Callable[[int], None]

# Every place a row keeps a blob: key, size, sha256 and (for full blobs) per-block digests.
_BLOBS = """
SELECT blob_key, size, sha256, blocks FROM attachments
UNION SELECT blob_key, size, sha256, blocks FROM chat_media
UNION SELECT blob_key, size, sha256, blocks FROM uploads
  WHERE blob_key IS NOT NULL AND sha256 IS NOT NULL AND blocks IS NOT NULL
"""
_THUMBNAILS = """
SELECT thumbnail_key, thumbnail_size, thumbnail_sha256 FROM attachments
  WHERE thumbnail_key IS NOT NULL
UNION SELECT thumbnail_key, thumbnail_size, thumbnail_sha256 FROM chat_media
  WHERE thumbnail_key IS NOT NULL
"""


@dataclass(frozen=True)
class IndexEntry:
    key: str
    size: int
    sha256: str


async def referenced(connection: asyncpg.Connection) -> list[StoredBlob]:
    """The blobs the rows of this (snapshot) connection point at, each once."""
    blobs = {
        row[0]: StoredBlob(row[0], row[1], row[2].strip(), bytes(row[3]))
        for row in await connection.fetch(_BLOBS)
    }
    for key, size, sha256 in await connection.fetch(_THUMBNAILS):
        blobs.setdefault(key, thumbnail_blob(key, size, sha256.strip()))
    return sorted(blobs.values(), key=lambda blob: blob.key)


def path_of(folder: Path, key: str) -> Path:
    return folder / "blobs" / key[:2] / key


@dataclass(frozen=True)
class Copied:
    blobs: list[StoredBlob]  # in the backup, listed in the index
    unreadable: dict[str, str]  # key -> MISSING or CORRUPTED: not in the backup


async def dump(store: BlobStore, blobs: list[StoredBlob], folder: Path, advance: Advance) -> Copied:
    """Copy each blob into the folder (verified as read) and write the index of those
    copied. A blob the store no longer has, or whose bytes fail their checksums, is left
    out and reported: one bad file must not stop the backup of everything else."""
    gate = asyncio.Semaphore(PARALLEL)
    unreadable: dict[str, str] = {}

    async def copy(blob: StoredBlob) -> None:
        async with gate:
            path = path_of(folder, blob.key)
            await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
            try:
                with path.open("wb") as out:
                    async for chunk in store.get(blob):
                        await asyncio.to_thread(out.write, chunk)
            except (BlobMissing, BlobCorrupted) as error:
                path.unlink(missing_ok=True)
                unreadable[blob.key] = "MISSING" if isinstance(error, BlobMissing) else "CORRUPTED"
            advance(1)

    await asyncio.gather(*(copy(blob) for blob in blobs))
    copied = [blob for blob in blobs if blob.key not in unreadable]
    lines = [orjson.dumps(IndexEntry(b.key, b.size, b.sha256).__dict__) for b in copied]
    index = folder / INDEX
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_bytes(b"".join(line + b"\n" for line in lines))
    return Copied(copied, dict(sorted(unreadable.items())))


def read_index(folder: Path) -> list[IndexEntry]:
    lines = (folder / INDEX).read_bytes().splitlines()
    return [IndexEntry(**orjson.loads(line)) for line in lines if line.strip()]


def verify(folder: Path, entries: list[IndexEntry]) -> None:
    """Every blob file is there with its size and checksum; before anything is restored."""
    for entry in entries:
        path = path_of(folder, entry.key)
        if not path.is_file() or path.stat().st_size != entry.size:
            raise BackupError(f"The backup is incomplete: blob {entry.key} is missing or cut.")
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(READ_BYTES):
                digest.update(chunk)
        if digest.hexdigest() != entry.sha256:
            raise BackupError(f"The backup is damaged: blob {entry.key} fails its checksum.")


async def held(store: BlobStore, entries: list[IndexEntry]) -> int:
    """How many of the backup's blobs the target store already holds."""
    gate = asyncio.Semaphore(PARALLEL)

    async def exists(key: str) -> bool:
        async with gate:
            return await store.exists(key)

    return sum(await asyncio.gather(*(exists(entry.key) for entry in entries)))


async def load(store: BlobStore, folder: Path, entries: list[IndexEntry], advance: Advance) -> None:
    gate = asyncio.Semaphore(PARALLEL)

    async def put(entry: IndexEntry) -> None:
        async with gate:
            stored = await store.put(
                _chunks(path_of(folder, entry.key)), max_bytes=entry.size, key=entry.key
            )
            if stored.sha256 != entry.sha256:
                raise BackupError(f"Blob {entry.key} changed while it was restored.")
            advance(1)

    await asyncio.gather(*(put(entry) for entry in entries))


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while chunk := await asyncio.to_thread(handle.read, READ_BYTES):
            yield chunk
