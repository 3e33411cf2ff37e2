"""Blob store side of the purge: the user's blobs (attachment and chat media bytes, stripped
copies, thumbnails, uploads in flight) by the keys their rows name (plan.BLOBS).

Keys are random, so a blob cannot be found by its owner once its row is gone: the purge
collects the keys before it deletes the rows, deletes the blobs itself (a missing one is
fine, deletes are retried) and checks each key is gone from the store.
"""

from __future__ import annotations

from collections.abc import Iterable

from datastore.kit.blobs import BlobMissing, BlobStore


class BlobEraser:
    def __init__(self, store: BlobStore) -> None:
        self.store = store

    async def erase(self, keys: Iterable[str]) -> int:
        """Delete every blob of `keys`; how many were there."""
        deleted = 0
        for key in sorted(keys):
            try:
                present = await self.store.exists(key)
                await self.store.delete(key)
            except BlobMissing:
                continue  # not a key of ours: nothing under it
            deleted += present
        return deleted

    async def left(self, keys: Iterable[str]) -> int:
        """How many of `keys` still have a blob."""
        found = 0
        for key in sorted(keys):
            try:
                found += await self.store.exists(key)
            except BlobMissing:
                continue
        return found
