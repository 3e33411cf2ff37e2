"""The blob store interface: bytes under random keys, streamed in and out, checked on read.

A blob is written once and never changed. While it streams in, the store computes its
SHA-256 and the SHA-256 of each `BLOCK_BYTES` block; the caller keeps them (`StoredBlob`)
and hands them back to `get`, which verifies every block it reads, so a byte range can be
checked without reading the whole blob, and a damaged blob is an error, never bad bytes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

BLOCK_BYTES = 1024 * 1024
DIGEST_BYTES = 32
KEY_PATTERN = re.compile(r"[0-9a-f]{32}")


class BlobError(Exception):
    """Base of the blob store's errors."""


class BlobTooLarge(BlobError):
    """The stream passed the size limit; nothing was kept."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"over {limit} bytes")
        self.limit = limit


class BlobMissing(BlobError):
    """No blob under this key (deleted, or never written)."""


class BlobCorrupted(BlobError):
    """The stored bytes no longer match the checksums taken when they were written."""


@dataclass(frozen=True)
class StoredBlob:
    """What a caller keeps of a blob: its key, size and checksums."""

    key: str
    size: int
    sha256: str  # hex of the whole blob
    blocks: bytes  # the SHA-256 of each BLOCK_BYTES block, concatenated

    def block_digest(self, index: int) -> bytes:
        return self.blocks[index * DIGEST_BYTES : (index + 1) * DIGEST_BYTES]


class BlobStore(Protocol):
    """Where attachment and media bytes live: a folder or an S3 bucket."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def put(
        self, chunks: AsyncIterator[bytes], *, max_bytes: int, key: str | None = None
    ) -> StoredBlob:
        """Store the stream under a new random key (or `key`, only for a restore, which puts
        blobs back where their rows point); BlobTooLarge (keeping nothing) once it passes
        `max_bytes`. Holds at most one part of the stream in memory."""
        ...

    def get(self, blob: StoredBlob, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Bytes `start` to `end` (exclusive; None = the end) of `blob`, each block verified
        before it is yielded: BlobCorrupted or BlobMissing instead of bad bytes."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the blob; a missing one is not an error (deletes are retried)."""
        ...

    async def exists(self, key: str) -> bool: ...


def new_key() -> str:
    """A random key: 128 bits, hex, so it is safe as a file name and an S3 key."""
    return secrets.token_hex(16)


def check_key(key: str) -> str:
    """`key` if it is one of ours; anything else never reaches a path or a bucket."""
    if not KEY_PATTERN.fullmatch(key):
        raise BlobMissing(key)
    return key


class Digests:
    """The running SHA-256 of a blob and of each of its blocks, fed in any chunking."""

    def __init__(self) -> None:
        self.whole = hashlib.sha256()
        self.block = hashlib.sha256()
        self.block_fill = 0
        self.blocks = bytearray()
        self.size = 0

    def update(self, data: bytes) -> None:
        self.whole.update(data)
        self.size += len(data)
        view = memoryview(data)
        while view:
            take = min(len(view), BLOCK_BYTES - self.block_fill)
            self.block.update(view[:take])
            self.block_fill += take
            view = view[take:]
            if self.block_fill == BLOCK_BYTES:
                self._close_block()

    def finish(self, key: str) -> StoredBlob:
        if self.block_fill or not self.blocks:
            self._close_block()
        return StoredBlob(key, self.size, self.whole.hexdigest(), bytes(self.blocks))

    def _close_block(self) -> None:
        self.blocks += self.block.digest()
        self.block = hashlib.sha256()
        self.block_fill = 0


def block_span(blob: StoredBlob, start: int, end: int) -> range:
    """The indexes of the blocks holding bytes `start` to `end` (exclusive)."""
    if end <= start:
        return range(0)
    return range(start // BLOCK_BYTES, (end - 1) // BLOCK_BYTES + 1)


def block_bounds(blob: StoredBlob, index: int) -> tuple[int, int]:
    """(first byte, end) of block `index`."""
    first = index * BLOCK_BYTES
    return first, min(first + BLOCK_BYTES, blob.size)


def verified(blob: StoredBlob, index: int, data: bytes) -> bytes:
    """`data` if it is block `index` as written, else BlobCorrupted."""
    first, end = block_bounds(blob, index)
    if len(data) != end - first or hashlib.sha256(data).digest() != blob.block_digest(index):
        raise BlobCorrupted(f"blob {blob.key} block {index} does not match its checksum")
    return data


def clamp(blob: StoredBlob, start: int, end: int | None) -> tuple[int, int]:
    end = blob.size if end is None else min(end, blob.size)
    return max(0, start), end


async def read_verified(
    blob: StoredBlob,
    start: int,
    end: int | None,
    read_block: ReadBlock,
) -> AsyncIterator[bytes]:
    """The range of `blob`, read block by block with `read_block(first, end)` and verified,
    sliced to the requested bytes: the body of every backend's `get`."""
    start, end = clamp(blob, start, end)
    for index in block_span(blob, start, end):
        first, last = block_bounds(blob, index)
        data = verified(blob, index, await read_block(first, last))
        yield data[max(start - first, 0) : end - first]


class ReadBlock(Protocol):
    async def __call__(self, first: int, end: int, /) -> bytes: ...


async def limited(chunks: AsyncIterator[bytes], max_bytes: int) -> AsyncIterator[bytes]:
    """The stream, ending in BlobTooLarge as soon as it passes `max_bytes`: a refused
    upload is not read (nor buffered) to its end."""
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise BlobTooLarge(max_bytes)
        yield chunk


async def rechunk(chunks: AsyncIterator[bytes], size: int) -> AsyncIterator[bytes]:
    """The stream in pieces of exactly `size` bytes (the last may be shorter)."""
    buffer = bytearray()
    async for chunk in chunks:
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)
