"""A user's committed events, live from Redis, each delivered once and in order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from datastore.kit.pubsub import Broker


def user_channel(user_id: object) -> str:
    """The Redis channel of one user's committed events."""
    return f"user:{user_id}"


async def user_events(
    broker: Broker, user_id: object, topics: tuple[str, ...]
) -> AsyncIterator[dict[str, Any]]:
    """Events of `user_id` whose topic starts with one of `topics`."""
    last_seq = 0
    async with broker.subscribe(user_channel(user_id)) as subscription:
        async for _channel, data in subscription:
            event = orjson.loads(data)
            # The relay delivers at least once; a repeat carries a seq already seen.
            if event["seq"] <= last_seq:
                continue
            last_seq = event["seq"]
            if event["topic"].startswith(topics):
                yield event
