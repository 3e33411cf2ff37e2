"""The same behaviour from both blob store backends: the folder and S3 (on a real s3rver)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator

import pytest

from datastore.kit.blobs import (
    BlobCorrupted,
    BlobMissing,
    BlobStore,
    BlobTooLarge,
    FolderBlobStore,
    S3BlobStore,
    StoredBlob,
)
from datastore.kit.blobs.store import BLOCK_BYTES
from datastore.lifecycle.repository.blobs import BlobEraser

MiB = 1024 * 1024


async def stream(data: bytes, chunk: int = 64 * 1024, pulled: list[int] | None = None):
    """`data` in chunks, recording in `pulled` how many bytes the store asked for."""
    for start in range(0, len(data), chunk):
        if pulled is not None:
            pulled.append(start + chunk)
        yield data[start : start + chunk]


async def read(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([piece async for piece in chunks])


async def stored_keys(store: BlobStore) -> list[str]:
    """Every key the backend holds, read from the folder or the bucket directly."""
    if isinstance(store, FolderBlobStore):
        return sorted(p.name for p in store.root.rglob("*") if p.is_file())
    assert isinstance(store, S3BlobStore)
    listed = await store.client.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix)
    return sorted(o["Key"] for o in listed.get("Contents", []))


async def corrupt(store: BlobStore, key: str, offset: int) -> None:
    """Flip one stored byte behind the store's back, as a failing disk would."""
    if isinstance(store, FolderBlobStore):
        path = store.path(key)
        data = bytearray(path.read_bytes())
        data[offset] ^= 0xFF
        path.write_bytes(bytes(data))
        return
    assert isinstance(store, S3BlobStore)
    name = store.object_key(key)
    response = await store.client.get_object(Bucket=store.bucket, Key=name)
    async with response["Body"] as body:
        data = bytearray(await body.read())
    data[offset] ^= 0xFF
    await store.client.put_object(Bucket=store.bucket, Key=name, Body=bytes(data))


async def test_put_then_get_returns_the_bytes_with_their_checksum(store: BlobStore) -> None:
    # given
    data = os.urandom(300_000)
    # when
    blob = await store.put(stream(data), max_bytes=MiB)
    # then
    assert blob.size == len(data)
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert await read(store.get(blob)) == data
    assert await store.exists(blob.key)


async def test_keys_are_random_even_for_the_same_bytes(store: BlobStore) -> None:
    first = await store.put(stream(b"same bytes"), max_bytes=MiB)
    second = await store.put(stream(b"same bytes"), max_bytes=MiB)
    assert first.key != second.key
    assert first.sha256 == second.sha256
    assert len(first.key) == 32 and int(first.key, 16) >= 0


async def test_an_empty_blob_round_trips(store: BlobStore) -> None:
    blob = await store.put(stream(b""), max_bytes=10)
    assert blob.size == 0 and blob.sha256 == hashlib.sha256(b"").hexdigest()
    assert await read(store.get(blob)) == b""


async def test_byte_ranges_across_blocks(store: BlobStore) -> None:
    # given: two and a half blocks
    data = os.urandom(2 * BLOCK_BYTES + BLOCK_BYTES // 2)
    blob = await store.put(stream(data), max_bytes=10 * MiB)
    # when / then: a range inside one block, one across a boundary, the tail
    assert await read(store.get(blob, 10, 20)) == data[10:20]
    start, end = BLOCK_BYTES - 5, BLOCK_BYTES + 5
    assert await read(store.get(blob, start, end)) == data[start:end]
    assert await read(store.get(blob, 2 * BLOCK_BYTES + 7)) == data[2 * BLOCK_BYTES + 7 :]
    assert await read(store.get(blob, len(data) - 1, len(data) + 100)) == data[-1:]


async def test_large_blob_goes_up_in_parts_and_reads_back(store: BlobStore) -> None:
    # given: more than two S3 parts (5 MiB each in these tests)
    data = os.urandom(11 * MiB + 123)
    # when
    blob = await store.put(stream(data, chunk=256 * 1024), max_bytes=12 * MiB)
    # then
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert hashlib.sha256(await read(store.get(blob))).hexdigest() == blob.sha256
    assert await read(store.get(blob, 6 * MiB, 6 * MiB + 10)) == data[6 * MiB : 6 * MiB + 10]


@pytest.mark.parametrize("size", [3 * MiB, 12 * MiB])
async def test_over_the_limit_is_refused_mid_stream_and_leaves_nothing(
    store: BlobStore, size: int
) -> None:
    # given: a stream larger than the limit (one part, and several parts on S3)
    before = await stored_keys(store)
    pulled: list[int] = []
    limit = size - 2 * MiB
    # when
    with pytest.raises(BlobTooLarge):
        await store.put(stream(os.urandom(size), pulled=pulled), max_bytes=limit)
    # then: the store stopped reading soon after the limit, and kept nothing
    assert max(pulled) < size
    assert await stored_keys(store) == before


async def test_a_corrupted_blob_is_an_error_not_bad_bytes(store: BlobStore) -> None:
    # given: a stored blob of two blocks, one byte of the second flipped on disk
    data = os.urandom(BLOCK_BYTES + 1000)
    blob = await store.put(stream(data), max_bytes=10 * MiB)
    await corrupt(store, blob.key, BLOCK_BYTES + 10)
    # when / then: the whole blob and any range touching the damage fail
    with pytest.raises(BlobCorrupted):
        await read(store.get(blob))
    with pytest.raises(BlobCorrupted):
        await read(store.get(blob, BLOCK_BYTES, BLOCK_BYTES + 20))
    # and the intact first block still reads
    assert await read(store.get(blob, 0, 100)) == data[:100]


async def test_a_truncated_blob_is_corrupted(store: BlobStore) -> None:
    data = os.urandom(5000)
    blob = await store.put(stream(data), max_bytes=MiB)
    shorter = StoredBlob(blob.key, blob.size + 10, blob.sha256, blob.blocks)
    with pytest.raises(BlobCorrupted):
        await read(store.get(shorter))


async def test_delete_removes_the_blob(store: BlobStore) -> None:
    # given
    blob = await store.put(stream(b"to be deleted"), max_bytes=MiB)
    # when
    await store.delete(blob.key)
    # then
    assert not await store.exists(blob.key)
    assert blob.key not in "".join(await stored_keys(store))
    with pytest.raises(BlobMissing):
        await read(store.get(blob))
    await store.delete(blob.key)  # deleting again is fine (retried deletes)


async def test_keys_that_are_not_ours_never_reach_the_backend(store: BlobStore) -> None:
    fake = StoredBlob("../../etc/passwd", 10, "0" * 64, bytes(32))
    with pytest.raises(BlobMissing):
        await read(store.get(fake))
    with pytest.raises(BlobMissing):
        await store.delete("../x")


async def test_a_restore_puts_a_blob_back_under_its_own_key(store: BlobStore) -> None:
    # given: the key a row points at, from a backup
    key = "0123456789abcdef0123456789abcdef"
    data = os.urandom(2 * BLOCK_BYTES + 17)
    # when
    blob = await store.put(stream(data), max_bytes=4 * MiB, key=key)
    # then
    assert blob.key == key and blob.sha256 == hashlib.sha256(data).hexdigest()
    assert await read(store.get(blob)) == data
    with pytest.raises(BlobMissing):
        await store.put(stream(b"x"), max_bytes=10, key="../../not-a-key")
    await store.delete(key)


async def test_the_purge_erases_a_users_blobs_by_key_in_either_backend(store: BlobStore) -> None:
    # given: two blobs of a deleted account and one of someone else
    mine = [await store.put(stream(os.urandom(1000)), max_bytes=MiB) for _ in range(2)]
    theirs = await store.put(stream(b"not mine"), max_bytes=MiB)
    eraser = BlobEraser(store)
    keys = {blob.key for blob in mine}
    # when
    before = await eraser.left(keys)
    erased = await eraser.erase(keys | {"not-a-key"})
    again = await eraser.erase(keys)
    # then: gone, idempotent, and the other blob untouched
    assert (before, erased, again) == (2, 2, 0)
    assert await eraser.left(keys) == 0
    assert await store.exists(theirs.key)
