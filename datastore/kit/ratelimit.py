"""Fixed-window rate limits in Redis, shared by every server instance."""

from __future__ import annotations

import redis.asyncio as redis

from datastore.kit.errors import RateLimited


class RateLimiter:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    async def count(self, key: str, *, window: int) -> tuple[int, int]:
        """Count one attempt in `key`'s window; the count so far and seconds left."""
        full_key = f"ratelimit:{key}"
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.incr(full_key)
            pipe.expire(full_key, window, nx=True)
            pipe.ttl(full_key)
            count, _, ttl = await pipe.execute()
        return int(count), max(int(ttl), 1)

    async def check(self, key: str, *, limit: int, window: int, what: str) -> None:
        """Count one attempt; RATE_LIMITED, with the retry-after, when over `limit`."""
        count, retry_after = await self.count(key, window=window)
        if count > limit:
            raise _limited(what, retry_after)

    async def check_blocked(self, key: str, *, limit: int, what: str) -> None:
        """Raise RATE_LIMITED if `key` already reached `limit`, without counting."""
        full_key = f"ratelimit:{key}"
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.get(full_key)
            pipe.ttl(full_key)
            count, ttl = await pipe.execute()
        if count is not None and int(count) >= limit:
            raise _limited(what, max(int(ttl), 1))

    async def reset(self, key: str) -> None:
        await self.client.delete(f"ratelimit:{key}")


def _limited(what: str, retry_after: int) -> RateLimited:
    return RateLimited(
        f"Too many {what}. Try again in {retry_after} seconds.", retry_after=retry_after
    )
