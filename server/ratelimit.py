"""Fixed-window rate limits in Redis, shared by every server instance."""

from __future__ import annotations

import redis.asyncio as redis

from server.errors import RateLimited


class RateLimiter:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    async def hit(self, key: str, *, limit: int, window: int) -> int | None:
        """Count one attempt; the seconds to wait when over `limit`, else None."""
        full_key = f"ratelimit:{key}"
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.incr(full_key)
            pipe.expire(full_key, window, nx=True)
            pipe.ttl(full_key)
            count, _, ttl = await pipe.execute()
        if count > limit:
            return max(int(ttl), 1)
        return None

    async def check(self, key: str, *, limit: int, window: int, what: str) -> None:
        """Raise RATE_LIMITED, with the retry-after, when `key` is over its limit."""
        retry_after = await self.hit(key, limit=limit, window=window)
        if retry_after is not None:
            raise RateLimited(
                f"Too many {what}. Try again in {retry_after} seconds.", retry_after=retry_after
            )

    async def check_blocked(self, key: str, *, limit: int, what: str) -> None:
        """Raise RATE_LIMITED if `key` already reached `limit`, without counting."""
        full_key = f"ratelimit:{key}"
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.get(full_key)
            pipe.ttl(full_key)
            count, ttl = await pipe.execute()
        if count is not None and int(count) >= limit:
            retry_after = max(int(ttl), 1)
            raise RateLimited(
                f"Too many {what}. Try again in {retry_after} seconds.", retry_after=retry_after
            )

    async def reset(self, key: str) -> None:
        await self.client.delete(f"ratelimit:{key}")
