"""Per-user read caches in Redis (category tree, recent entries, search results).

Invalidation bumps a per-user generation and drops the user's cache hash. A reader
notes the generation when it misses and stores its result only if the generation is
unchanged (one Lua script), so a result computed before a write committed can never be
stored after that write's invalidation: the cache never serves data older than the
user's own committed write. Keys share the `{user}` hash tag so both scripts work on
Redis Cluster.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

import orjson
import redis.asyncio as redis

TTL_SECONDS = 300

_READ = """
local gen = redis.call('GET', KEYS[1]) or '0'
return {gen, redis.call('HGET', KEYS[2], ARGV[1])}
"""
_WRITE = """
if (redis.call('GET', KEYS[1]) or '0') == ARGV[1] then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
  return 1
end
return 0
"""
_INVALIDATE = """
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 86400)
redis.call('DEL', KEYS[2])
return 1
"""


def cache_key(user_id: uuid.UUID | str) -> str:
    """The hash of the user's cached values (benchmarks check a page is in it)."""
    return f"pod:{{{user_id}}}:cache"


def _keys(user_id: uuid.UUID | str) -> list[str]:
    return [f"pod:{{{user_id}}}:gen", cache_key(user_id)]


class PodCache:
    def __init__(self, client: redis.Redis) -> None:
        self._read = client.register_script(_READ)
        self._write = client.register_script(_WRITE)
        self._invalidate = client.register_script(_INVALIDATE)

    async def get(self, user_id: uuid.UUID, name: str) -> tuple[str, Any | None]:
        """(generation, cached value or None)."""
        gen, raw = await self._read(keys=_keys(user_id), args=[name])
        gen = gen.decode() if isinstance(gen, bytes) else str(gen)
        return gen, orjson.loads(raw) if raw else None

    async def put(self, user_id: uuid.UUID, name: str, generation: str, value: Any) -> None:
        payload = orjson.dumps(value, default=_encode)
        await self._write(keys=_keys(user_id), args=[generation, name, payload, TTL_SECONDS])

    async def invalidate(self, user_id: uuid.UUID | str) -> None:
        await self._invalidate(keys=_keys(user_id), args=[])


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode()}
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(type(value).__name__)
