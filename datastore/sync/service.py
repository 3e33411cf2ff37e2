"""Sync use cases: log every committed pod and journal change, and list a user's changes
after a point.

The outbox relay calls `append` with committed events (at least once: the log's key makes
a repeat harmless); `changes_after` is how a device that was offline catches up.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from datastore.kit.dynamodb import Dynamo
from datastore.kit.errors import BadUserInput
from datastore.outbox.repository import PendingEvent
from datastore.sync.items import WINDOW, SyncItem
from datastore.sync.repository import SyncLogRepository

# The domains whose changes the log keeps: the pod's and the journal's.
TOPIC_PREFIXES = ("pod.", "journal.")
CURSOR_EXPIRED = "CURSOR_EXPIRED"


@dataclass(frozen=True)
class SyncPoint:
    """A place in a user's change sequence: after `seq`, as of `at`."""

    seq: int
    at: datetime


def change_payload(
    entity_type: str,
    node_type: str,
    entity_id: uuid.UUID,
    operation: str,
    version: int,
    device: str | None,
    **extra: Any,
) -> dict[str, Any]:
    """The outbox payload of one change, as the log and `syncEvents` read it: ids and
    versions only, never content (an entry may be secret)."""
    return {
        "entityType": entity_type,
        "nodeType": node_type,
        "entityId": str(entity_id),
        "operation": operation,
        "version": version,
        "device": device,
        **extra,
    }


def is_change(topic: str, payload: dict[str, Any]) -> bool:
    """Whether an event is a change for the log (other events share its topics' prefixes)."""
    return topic.startswith(TOPIC_PREFIXES) and "entityType" in payload


def change_values(payload: dict[str, Any]) -> dict[str, Any]:
    """A change's payload (see `change_payload`) as SyncItem fields."""
    return {
        "entity_type": payload["entityType"],
        "node_type": payload["nodeType"],
        "entity_id": payload["entityId"],
        "operation": payload["operation"],
        "version": payload["version"],
        "device": payload.get("device"),
        "merged_into": payload.get("mergedInto"),
    }


def item_of(event: PendingEvent) -> SyncItem:
    return SyncItem(
        user_id=str(event.user_id),
        seq=event.seq,
        at=event.created_at.isoformat(),
        expires_at=int((event.created_at + WINDOW).timestamp()),
        **change_values(event.payload),
    )


def window_start() -> datetime:
    """Changes before this may be gone from the log."""
    return datetime.now(UTC) - WINDOW


class SyncService:
    def __init__(self, dynamo: Dynamo) -> None:
        self.log = SyncLogRepository(dynamo)

    async def append(self, events: Sequence[PendingEvent]) -> None:
        """An outbox sink: write committed pod and journal changes to their users' logs."""
        await self.log.append([item_of(e) for e in events if is_change(e.topic, e.payload)])

    async def changes_after(
        self, user_id: uuid.UUID, since: SyncPoint | None, *, limit: int
    ) -> tuple[list[SyncItem], bool]:
        """My changes after `since` (None: all still logged), oldest first, and whether more
        follow. BAD_USER_INPUT with reason CURSOR_EXPIRED when the log may have dropped
        changes after `since` (it is older than the log's window)."""
        if since is not None and since.at < window_start():
            raise BadUserInput(
                "This cursor is older than the sync log keeps (30 days): fetch everything "
                "again, then continue from `syncCursor`.",
                field="since",
                reason=CURSOR_EXPIRED,
            )
        return await self.log.list_after(str(user_id), since.seq if since else 0, limit=limit)
