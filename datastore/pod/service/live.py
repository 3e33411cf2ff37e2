"""Following one entry live, for its owner and those it is shared with: each change, and
NOT_FOUND the moment the viewer may no longer read it (revoked, expired, trashed, gone)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import UTC, datetime
from typing import Any, cast

from datastore.kit.errors import NotFound
from datastore.kit.events import user_events
from datastore.kit.pubsub import Broker
from datastore.pod.service.access import Access, EntryAccess
from datastore.pod.service.share_rules import SHARE_TOPIC

ENTRY_TOPIC = "pod.entry."
# A share's expiry is checked a moment after it passes, so the database agrees it has.
_EXPIRY_SLACK_SECONDS = 0.05


def _about(payload: dict[str, Any], entry_id: uuid.UUID) -> bool:
    return str(entry_id) in (payload.get("entityId"), payload.get("entryId"))


def _seconds_left(access: Access) -> float | None:
    if access.expires_at is None:
        return None
    left = (access.expires_at - datetime.now(UTC)).total_seconds()
    return max(left, 0) + _EXPIRY_SLACK_SECONDS


async def entry_changes(
    broker: Broker, access: EntryAccess, viewer_id: uuid.UUID, entry_id: uuid.UUID
) -> AsyncIterator[None]:
    """Yields once per committed change of the entry while the viewer may read it; raises
    NotFound when they cannot (at once, or when that ends). Events come from the owner's
    channel, where both the entry's changes and its shares' changes are published."""
    current = await _still(access, viewer_id, entry_id)
    while True:
        stream = cast(
            AsyncGenerator[dict[str, Any], None],
            user_events(broker, current.owner_id, (ENTRY_TOPIC, SHARE_TOPIC)),
        )
        try:
            while True:
                try:
                    async with asyncio.timeout(_seconds_left(current)):
                        event = await anext(stream)
                except TimeoutError:
                    break  # the share's time is up (the stream ended with the timeout)
                if not _about(event["payload"], entry_id):
                    continue
                current = await _still(access, viewer_id, entry_id)
                if event["topic"].startswith(ENTRY_TOPIC):
                    yield None
        finally:
            await stream.aclose()
        current = await _still(access, viewer_id, entry_id)


async def _still(access: EntryAccess, viewer_id: uuid.UUID, entry_id: uuid.UUID) -> Access:
    found = await access.get(viewer_id, entry_id)
    if found is None:
        raise NotFound("No such entry.", field="id")
    return found
