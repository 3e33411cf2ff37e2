"""Writing sync items to a user's log and reading the items after a seq."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from datastore.kit.dynamo_codec import from_item, to_item
from datastore.kit.dynamodb import Dynamo
from datastore.sync.items import SYNC_LOG, SyncItem


class SyncLogRepository:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo
        self.table = dynamo.table(SYNC_LOG.name)

    async def append(self, items: Sequence[SyncItem]) -> None:
        """Write items, idempotently (same key, same item).

        Within a user, one at a time in seq order: a reader must never see seq N+1 before
        N, or a device could move its cursor past a change it never received. Users are
        written concurrently.
        """
        by_user: dict[str, list[SyncItem]] = defaultdict(list)
        for item in items:
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
