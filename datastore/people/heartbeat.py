"""One refresh loop per process for every live socket's Redis key.

A task per subscription would wake thousands of times per interval and exhaust the Redis
connection pool; instead each process keeps its live entries here and refreshes them all
in one pipelined round trip per interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import redis.asyncio as redis


class Heartbeat:
    def __init__(self, client: redis.Redis, *, every: float, ttl: float) -> None:
        self.client = client
        self.every = every
        self.ttl = ttl
        # entry id -> (sorted set key, member, whether the key itself expires): scored with
        # when the entry expires
        self.entries: dict[str, tuple[str, str, bool]] = {}
        self._task: asyncio.Task[None] | None = None

    def add(self, entry_id: str, key: str, member: str, *, key_expires: bool = True) -> None:
        self.entries[entry_id] = (key, member, key_expires)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="chat-heartbeat")

    def discard(self, entry_id: str) -> None:
        self.entries.pop(entry_id, None)

    async def _run(self) -> None:
        while self.entries:
            await asyncio.sleep(self.every)
            with contextlib.suppress(redis.RedisError, OSError):
                await self.refresh()

    async def refresh(self) -> None:
        expires = time.time() + self.ttl
        async with self.client.pipeline(transaction=False) as pipe:
            for key, member, key_expires in list(self.entries.values()):
                pipe.zadd(key, {member: expires})
                if key_expires:
                    pipe.expire(key, int(self.ttl) + 5)
            await pipe.execute()
