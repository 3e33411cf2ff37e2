"""The folder backend (`BLOB_STORE=folder`): one file per blob under `BLOB_DIR`.

A blob is written to `incoming/` and renamed into place only when complete, so a reader
never sees half a blob and an aborted upload leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

from datastore.kit.blobs.store import (
    BLOCK_BYTES,
    BlobMissing,
    Digests,
    StoredBlob,
    check_key,
    limited,
    new_key,
    read_verified,
    rechunk,
)

INCOMING = "incoming"


class FolderBlobStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    async def start(self) -> None:
        (self.root / INCOMING).mkdir(parents=True, exist_ok=True)

    async def stop(self) -> None:
        return None

    def path(self, key: str) -> Path:
        """Where the blob of `key` lives (two hex characters of fan-out per folder)."""
        key = check_key(key)
        return self.root / key[:2] / key

    async def put(
        self, chunks: AsyncIterator[bytes], *, max_bytes: int, key: str | None = None
    ) -> StoredBlob:
        key = new_key() if key is None else check_key(key)
        partial = self.root / INCOMING / key
        digests = Digests()
        handle = await asyncio.to_thread(_open_new, partial)
        try:
            async for block in rechunk(limited(chunks, max_bytes), BLOCK_BYTES):
                digests.update(block)
                await asyncio.to_thread(handle.write, block)
            await asyncio.to_thread(_close_durably, handle)
            final = self.path(key)
            await asyncio.to_thread(_move_into_place, partial, final)
        except BaseException:
            handle.close()
            partial.unlink(missing_ok=True)
            raise
        return digests.finish(key)

    def get(self, blob: StoredBlob, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        return self._get(blob, start, end)

    async def _get(self, blob: StoredBlob, start: int, end: int | None) -> AsyncIterator[bytes]:
        path = self.path(blob.key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise BlobMissing(blob.key) from None
        try:

            async def read_block(first: int, last: int) -> bytes:
                return await asyncio.to_thread(_read_at, handle, first, last - first)

            async for piece in read_verified(blob, start, end, read_block):
                yield piece
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        path = self.path(key)
        await asyncio.to_thread(path.unlink, missing_ok=True)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path(key).exists)


def _open_new(path: Path) -> BinaryIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("xb")


def _close_durably(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


def _move_into_place(partial: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(partial, final)
    with contextlib.suppress(OSError):  # some file systems cannot fsync a directory
        fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_at(handle: BinaryIO, offset: int, size: int) -> bytes:
    handle.seek(offset)
    return handle.read(size)
