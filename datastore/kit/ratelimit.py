"""Fixed-window rate limits in Redis, shared by every server instance."""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as redis

from datastore.kit.errors import RateLimited

# Takes a slot in every window or in none, in one step: concurrent attempts can never all
# read "under the limit" before any of them counts. Returns 0, or the 1-based index of the
# first full window and its seconds left.
_RESERVE = """
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[2 * i - 1]) then
    return {i, redis.call('TTL', key)}
  end
end
for i, key in ipairs(KEYS) do
  redis.call('INCR', key)
  if redis.call('TTL', key) < 0 then
    redis.call('EXPIRE', key, ARGV[2 * i])
  end
end
return {0, 0}
"""

# Gives back a slot without creating a key (and so a window without expiry) that expired.
_RELEASE = """
if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then
  redis.call('DECR', KEYS[1])
end
return 0
"""


@dataclass(frozen=True)
class Limit:
    """At most `limit` slots of `key` per `window` seconds; `what` names them in the error."""

    key: str
    limit: int
    window: int
    what: str


class RateLimiter:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._reserve = client.register_script(_RESERVE)
        self._release = client.register_script(_RELEASE)

    async def count(self, key: str, *, window: int) -> tuple[int, int]:
        """Count one attempt in `key`'s window; the count so far and seconds left."""
        full_key = _full(key)
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

    async def reserve(self, *limits: Limit) -> None:
        """Take one slot in each limit atomically, or none and RATE_LIMITED if any is full.

        In a Redis cluster the keys of one call must share a hash slot (a `{tag}`)."""
        keys = [_full(limit.key) for limit in limits]
        args: list[int] = []
        for limit in limits:
            args += [limit.limit, limit.window]
        full, ttl = await self._reserve(keys=keys, args=args)
        if int(full):
            raise _limited(limits[int(full) - 1].what, max(int(ttl), 1))

    async def release(self, key: str) -> None:
        """Give back a slot `reserve` took, for an attempt that turned out not to count."""
        await self._release(keys=[_full(key)])

    async def reset(self, key: str) -> None:
        await self.client.delete(_full(key))

    async def first_in_window(self, key: str, *, window: int) -> bool:
        """True once per `window` seconds for `key` (to note a refusal once, not per try)."""
        return bool(await self.client.set(f"{_full(key)}:noted", 1, nx=True, ex=window))


def _full(key: str) -> str:
    return f"ratelimit:{key}"


def _limited(what: str, retry_after: int) -> RateLimited:
    return RateLimited(
        f"Too many {what}. Try again in {retry_after} seconds.", retry_after=retry_after
    )
