"""Live chat over Redis: channel names, event encoding, and who is looking at what.

Conversation events go to `conversation:{id}` after the write they describe is durable;
inbox changes go to `inbox:{user id}`. "Looking at" a conversation means an open
`conversationEvents` subscription: a sorted set per conversation whose members are
`<user>|<subscription>` scored by when their heartbeat expires, so a crashed server's
subscriptions age out by themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson
import redis.asyncio as redis

from datastore.kit.pubsub import Broker
from datastore.people.heartbeat import Heartbeat

# Published to a DIRECT conversation when one of the pair blocks the other: its live events end.
BLOCKED_EVENT: dict[str, Any] = {"type": "BLOCKED"}


def conversation_channel(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


def inbox_channel(user_id: object) -> str:
    return f"inbox:{user_id}"


async def publish_conversation(broker: Broker, conversation_id: str, event: dict[str, Any]) -> None:
    event = {**event, "conversationId": conversation_id, "at": time.time()}
    await broker.publish(conversation_channel(conversation_id), orjson.dumps(event))


async def publish_inbox(broker: Broker, user_id: object, conversation_id: str, kind: str) -> None:
    payload = {"conversationId": conversation_id, "kind": kind, "at": time.time()}
    await broker.publish(inbox_channel(user_id), orjson.dumps(payload))


async def publish_inboxes(
    broker: Broker, user_ids: list[object], conversation_id: str, kind: str
) -> None:
    """`publish_inbox` to many users in one round trip (a group message's fan-out)."""
    payload = orjson.dumps({"conversationId": conversation_id, "kind": kind, "at": time.time()})
    await broker.publish_many([(inbox_channel(u), payload) for u in user_ids])


def viewing_key(conversation_id: str) -> str:
    return f"viewing:{conversation_id}"


class ViewingTracker:
    def __init__(self, client: redis.Redis, *, ttl: float, every: float) -> None:
        self.client = client
        self.ttl = ttl
        self.heartbeat = Heartbeat(client, every=every, ttl=ttl)

    async def look(self, conversation_id: str, user_id: uuid.UUID, subscription_id: str) -> None:
        """Register one open subscription; the process heartbeat keeps it fresh."""
        key, now, member = viewing_key(conversation_id), time.time(), f"{user_id}|{subscription_id}"
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {member: now + self.ttl})
            pipe.zremrangebyscore(key, "-inf", now)
            pipe.expire(key, int(self.ttl) + 5)
            await pipe.execute()
        self.heartbeat.add(subscription_id, key, member)

    async def stop(self, conversation_id: str, user_id: uuid.UUID, subscription_id: str) -> None:
        self.heartbeat.discard(subscription_id)
        await self.client.zrem(viewing_key(conversation_id), f"{user_id}|{subscription_id}")

    async def viewers(self, conversation_id: str) -> set[str]:
        """Ids of the users looking at the conversation now."""
        members = await self.client.zrangebyscore(viewing_key(conversation_id), time.time(), "+inf")
        return {_text(m).split("|", 1)[0] for m in members}


@contextlib.asynccontextmanager
async def looking_at(
    tracker: ViewingTracker, conversation_id: str, user_id: uuid.UUID
) -> AsyncIterator[None]:
    """While the block runs, `user_id` is looking at the conversation (no MESSAGE notices)."""
    subscription_id = uuid.uuid4().hex
    await tracker.look(conversation_id, user_id, subscription_id)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            await asyncio.shield(tracker.stop(conversation_id, user_id, subscription_id))


def _text(member: object) -> str:
    return member.decode() if isinstance(member, bytes) else str(member)
