"""Per-user daily chat statistics in `chat_stats`, kept with atomic ADD updates."""

from __future__ import annotations

import time
from typing import Any

from datastore.chat.items import STATS, STATS_TTL_DAYS, StatsItem
from datastore.chat.repository.common import query_live
from datastore.kit.dynamodb import Dynamo


def _stats(values: dict[str, Any]) -> StatsItem:
    return StatsItem(
        day=values["sk"][2:],
        messages_sent=int(values.get("sent", 0)),
        messages_received=int(values.get("received", 0)),
        groups_joined=int(values.get("groups_joined", 0)),
        conversations=set(values.get("conversations") or ()),
    )


class StatisticsRepository:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo
        self.table = dynamo.table(STATS.name)

    async def add(
        self,
        user_id: str,
        day: str,
        *,
        sent: int = 0,
        received: int = 0,
        groups_joined: int = 0,
        conversation_id: str | None = None,
    ) -> None:
        """Count into the user's day with one atomic update (concurrent writers add up)."""
        update = self.count_update(
            user_id,
            day,
            sent=sent,
            received=received,
            groups_joined=groups_joined,
            conversation_id=conversation_id,
        )["Update"]
        await self.dynamo.client.update_item(**update)

    def count_update(
        self,
        user_id: str,
        day: str,
        *,
        sent: int = 0,
        received: int = 0,
        groups_joined: int = 0,
        conversation_id: str | None = None,
    ) -> dict[str, Any]:
        """The atomic ADD into the user's day, as a transaction item."""
        adds = ["sent :s", "received :r", "groups_joined :g"]
        values: dict[str, Any] = {
            ":s": {"N": str(sent)},
            ":r": {"N": str(received)},
            ":g": {"N": str(groups_joined)},
            ":e": {"N": str(int(time.time()) + STATS_TTL_DAYS * 86400)},
        }
        if conversation_id:
            # A string set: "active conversations" counts each conversation once a day.
            adds.append("conversations :c")
            values[":c"] = {"SS": [conversation_id]}
        return {
            "Update": {
                "TableName": self.table,
                "Key": {"user_id": {"S": user_id}, "sk": {"S": f"d#{day}"}},
                "UpdateExpression": f"SET expires_at = :e ADD {', '.join(adds)}",
                "ExpressionAttributeValues": values,
            }
        }

    async def days(
        self, user_id: str, *, before: str | None, since: str | None, limit: int
    ) -> list[StatsItem]:
        """Days newest first, strictly before `before` and not before `since` (YYYY-MM-DD)."""
        values = {
            ":u": {"S": user_id},
            ":lo": {"S": f"d#{since}" if since else "d#"},
            ":hi": {"S": f"d#{before}" if before else "d#~"},
        }
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "user_id = :u AND sk BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
        }
        found = [_stats(v) for v in await query_live(self.dynamo, kwargs, limit + 1)]
        return [s for s in found if before is None or s.day < before][:limit]
