"""Writing committed pod events to the sync log and reading a user's changes after a seq."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from datastore.kit.dynamo_codec import from_item, to_item
from datastore.kit.dynamodb import Dynamo
from datastore.outbox.repository import PendingEvent
from datastore.sync.items import SYNC_LOG

WINDOW = timedelta(days=30)
TOPIC_PREFIX = "pod."


@dataclass(frozen=True)
class SyncItem:
    user_id: str
    seq: int
    entity_type: str
    node_type: str
    entity_id: str
    operation: str
    version: int
    at: str  # ISO 8601, the commit's time
    expires_at: int  # epoch seconds, DynamoDB's TTL
    device: str | None = None  # the session that made the change; None for the pod itself
    merged_into: str | None = None  # a merged tag's target


def change_values(payload: dict[str, Any]) -> dict[str, Any]:
    """A pod event's payload (see datastore/pod/service/journal.py) as SyncItem fields."""
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


class SyncLogRepository:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo
        self.table = dynamo.table(SYNC_LOG.name)

    async def append(self, events: Sequence[PendingEvent]) -> None:
        """Write pod events, idempotently (same key, same item).

        Within a user, one at a time in seq order: a reader must never see seq N+1 before
        N, or a device could move its cursor past a change it never received. Users are
        written concurrently.
        """
        by_user: dict[str, list[SyncItem]] = defaultdict(list)
        for event in events:
            if event.topic.startswith(TOPIC_PREFIX):
                item = item_of(event)
                by_user[item.user_id].append(item)
        await asyncio.gather(*(self._write_in_order(items) for items in by_user.values()))

    async def _write_in_order(self, items: list[SyncItem]) -> None:
        for item in sorted(items, key=lambda i: i.seq):
            await self.dynamo.client.put_item(TableName=self.table, Item=to_item(vars(item)))

    async def list_after(
        self, user_id: str, seq: int, *, limit: int
    ) -> tuple[list[SyncItem], bool]:
        """Live changes with a seq above `seq`, oldest first, and whether more follow."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "user_id = :u AND seq > :s",
            "FilterExpression": "expires_at > :now",
            "ExpressionAttributeValues": {
                ":u": {"S": user_id},
                ":s": {"N": str(seq)},
                ":now": {"N": str(int(time.time()))},
            },
            "ConsistentRead": True,
            "Limit": limit + 1,
        }
        found: list[SyncItem] = []
        while len(found) <= limit:
            response = await self.dynamo.client.query(**kwargs)
            found.extend(SyncItem(**from_item(i)) for i in response["Items"])
            if "LastEvaluatedKey" not in response:
                break
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return found[:limit], len(found) > limit
