"""Insights cached in Redis per user, invalidated by bumping the user's version.

Keys carry the version, so one INCR on a new or changed entry (or new AI results) makes
every cached insight of that user stale at once; stale keys expire by their TTL.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import redis.asyncio as redis


def _version_key(user_id: uuid.UUID) -> str:
    return f"insights:{user_id}:version"


class InsightsCache:
    def __init__(self, client: redis.Redis, *, ttl_seconds: int) -> None:
        self.client = client
        self.ttl = ttl_seconds

    async def invalidate(self, user_id: uuid.UUID) -> None:
        await self.client.incr(_version_key(user_id))

    async def get_or_compute(
        self,
        user_id: uuid.UUID,
        name: str,
        compute: Callable[[], Awaitable[Any]],
    ) -> tuple[Any, bool]:
        """The cached JSON value of `name`, or `compute()`'s, stored; and whether it was a hit."""
        version = int(await self.client.get(_version_key(user_id)) or 0)
        key = f"insights:{user_id}:{version}:{name}"
        cached = await self.client.get(key)
        if cached is not None:
            return orjson.loads(cached), True
        value = await compute()
        await self.client.set(key, orjson.dumps(value), ex=self.ttl)
        return value, False
