"""Presence derived from live websockets: one Redis sorted set of connections per user.

Each open socket is a member scored with the time its heartbeat expires; a user is
connected while any score is in the future. A crashed server simply stops refreshing, so
its sockets age out without cleanup. Transitions (first socket in, last socket out) are
reported to the caller, which tells friends.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence

import redis.asyncio as redis

from datastore.people.heartbeat import Heartbeat


def connections_key(user_id: object) -> str:
    return f"presence:conns:{user_id}"


# Every connected user, scored with when their newest socket's heartbeat expires: a sweeper
# finds users whose sockets all died with their server, and tells their friends.
ONLINE_KEY = "presence:online"


class PresenceTracker:
    def __init__(self, client: redis.Redis, *, ttl: float, every: float) -> None:
        self.client = client
        self.ttl = ttl
        self.heartbeat = Heartbeat(client, every=every, ttl=ttl)

    async def connect(self, user_id: uuid.UUID, connection_id: str) -> bool:
        """Register (or refresh) a socket; True when the user was not connected before."""
        key, now = connections_key(user_id), time.time()
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.zcount(key, now, "+inf")
            pipe.zadd(key, {connection_id: now + self.ttl})
            pipe.zremrangebyscore(key, "-inf", now)
            pipe.expire(key, int(self.ttl) + 5)
            pipe.zadd(ONLINE_KEY, {str(user_id): now + self.ttl}, gt=True)
            live_before, *_ = await pipe.execute()
        self.heartbeat.add(connection_id, key, connection_id)
        self.heartbeat.add(f"{connection_id}:online", ONLINE_KEY, str(user_id), key_expires=False)
        return int(live_before) == 0

    async def disconnect(self, user_id: uuid.UUID, connection_id: str) -> bool:
        """Forget a socket; True when it was the user's last live one."""
        self.heartbeat.discard(connection_id)
        self.heartbeat.discard(f"{connection_id}:online")
        key, now = connections_key(user_id), time.time()
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.zrem(key, connection_id)
            pipe.zcount(key, now, "+inf")
            removed, live = await pipe.execute()
        return bool(removed) and int(live) == 0

    async def claim_expired(self) -> list[uuid.UUID]:
        """Users whose every socket stopped heartbeating; each is claimed by one caller only
        (ZREM's count), so with many workers a user is announced offline once."""
        now = time.time()
        expired = await self.client.zrangebyscore(ONLINE_KEY, "-inf", now, start=0, num=500)
        claimed = []
        for member in expired:
            name = member.decode() if isinstance(member, bytes) else str(member)
            if await self.client.zrem(ONLINE_KEY, name):
                claimed.append(uuid.UUID(name))
        live = await self.connected(claimed)
        return [user_id for user_id in claimed if not live[user_id]]

    async def connected(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, bool]:
        """Which users have a live socket: one pipelined round trip for all."""
        if not user_ids:
            return {}
        now = time.time()
        async with self.client.pipeline(transaction=False) as pipe:
            for user_id in user_ids:
                pipe.zcount(connections_key(user_id), now, "+inf")
            counts = await pipe.execute()
        return {u: int(c) > 0 for u, c in zip(user_ids, counts, strict=True)}
