"""Redis side of the purge, found by SCAN rather than by a list of key patterns: keys whose
name holds the user id (presence, rate limits, caches, ...) are unlinked, members of sorted
sets and sets and fields of hashes that hold it (who is online, who looks at a group
conversation) are removed, and strings whose value holds it (cached answers) are unlinked.

Everything in Redis is a cache, a counter or ephemeral state, so removing an entry is always
safe: the source of truth is in PostgreSQL or DynamoDB. One pass reads the whole keyspace,
in pipelined batches: fine for a deletion, which is rare.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import redis.asyncio as redis

SCAN_COUNT = 1000
BATCH = 500
# Strings longer than this are documents (persisted queries), never a user's state.
MAX_VALUE = 1024 * 1024


@dataclass(frozen=True)
class Trace:
    """One place a user id appears: a whole key, or members of a collection key."""

    key: bytes
    kind: str  # "key" (the whole key goes) or the collection's type
    members: tuple[bytes, ...] = ()


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


class RedisEraser:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    async def erase(self, user_id: uuid.UUID) -> int:
        """Remove every trace of the user; how many keys and members went."""
        removed = 0
        async for trace in self._traces(str(user_id)):
            removed += await self._remove(trace)
        return removed

    async def leftovers(self, user_id: uuid.UUID) -> int:
        return sum([max(len(t.members), 1) async for t in self._traces(str(user_id))])

    async def _remove(self, trace: Trace) -> int:
        if trace.kind == "key":
            return int(await self.client.unlink(trace.key))
        if trace.kind == "zset":
            return int(await self.client.zrem(trace.key, *trace.members))
        if trace.kind == "set":
            return int(await self.client.srem(trace.key, *trace.members))
        return int(await self.client.hdel(trace.key, *trace.members))  # hash

    async def _traces(self, needle: str) -> AsyncIterator[Trace]:
        batch: list[bytes] = []
        async for key in self.client.scan_iter(count=SCAN_COUNT):
            batch.append(key)
            if len(batch) >= BATCH:
                for trace in await self._batch_traces(batch, needle):
                    yield trace
                batch = []
        for trace in await self._batch_traces(batch, needle):
            yield trace

    async def _batch_traces(self, keys: list[bytes], needle: str) -> list[Trace]:
        wanted = needle.encode()
        found = [Trace(k, "key") for k in keys if wanted in _bytes(k)]
        others = [k for k in keys if wanted not in _bytes(k)]
        if not others:
            return found
        async with self.client.pipeline(transaction=False) as pipe:
            for key in others:
                pipe.type(key)
            kinds = [_bytes(kind).decode() for kind in await pipe.execute()]
        strings = [k for k, kind in zip(others, kinds, strict=True) if kind == "string"]
        found += await self._strings_holding(strings, needle)
        for key, kind in zip(others, kinds, strict=True):
            members = await self._members_holding(key, kind, needle)
            if members:
                found.append(Trace(key, kind, members))
        return found

    async def _strings_holding(self, keys: list[bytes], needle: str) -> list[Trace]:
        if not keys:
            return []
        async with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.getrange(key, 0, MAX_VALUE)
            values = await pipe.execute()
        wanted = needle.encode()
        return [
            Trace(k, "key") for k, v in zip(keys, values, strict=True) if v and wanted in _bytes(v)
        ]

    async def _members_holding(self, key: bytes, kind: str, needle: str) -> tuple[bytes, ...]:
        match = f"*{needle}*"
        if kind == "zset":
            return tuple([m async for m, _ in self.client.zscan_iter(key, match=match)])
        if kind == "set":
            return tuple([m async for m in self.client.sscan_iter(key, match=match)])
        if kind == "hash":
            return tuple([f async for f, _ in self.client.hscan_iter(key, match=match)])
        return ()
