"""DynamoDB side of the purge: every registered table is scanned for items that mention the
user (their id, or their global ids, anywhere in keys or attributes) and each is handled by
its table's step in the plan. The same scan counts what is left.

A scan reads the whole table: fine for an operation as rare as an account deletion on a
self-hosted pod; a large deployment would replace a step by queries of the user's
partitions (the key patterns are listed in the plan).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from datastore.chat.repository.erasure import ChatErasureRepository
from datastore.kit.dynamodb import TABLES, Dynamo, TableSpec
from datastore.lifecycle.plan import DYNAMODB, DynamoStep
from datastore.notifications.repository import NotificationRepository

Progress = Callable[[str, int], None]


def needles(user_id: uuid.UUID) -> tuple[str, ...]:
    """How an item may name the user: the uuid and the global ids that wrap it."""
    wrapped = (base64.b64encode(f"{t}:{user_id}".encode()).decode() for t in ("Person", "User"))
    return (str(user_id), *wrapped)


def mentions(item: dict[str, Any], wanted: tuple[str, ...]) -> bool:
    flat = repr(item)  # every key, value, nested map and set, as text
    return any(n in flat for n in wanted)


class DynamoEraser:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo
        self.chat = ChatErasureRepository(dynamo)
        self.notifications = NotificationRepository(dynamo)

    async def erase(self, user_id: uuid.UUID, progress: Progress) -> int:
        total = 0
        for spec in TABLES.values():
            step = DYNAMODB[spec.name]  # tests/lifecycle/test_plan.py: every table has one
            count = 0
            async for item in self._mentioning(spec, user_id):
                await self._apply(step, spec, item, str(user_id))
                count += 1
            progress(f"dynamodb {spec.name}", count)
            total += count
        return total

    async def delete_conversations(self, conversation_ids: list[str]) -> int:
        return sum([await self.chat.delete_conversation(c) for c in conversation_ids])

    async def leftovers(self, user_id: uuid.UUID) -> dict[str, int]:
        found: dict[str, int] = {}
        for spec in TABLES.values():
            found[spec.name] = len([i async for i in self._mentioning(spec, user_id)])
        return found

    async def _apply(
        self, step: DynamoStep, spec: TableSpec, item: dict[str, Any], user: str
    ) -> None:
        table = self.dynamo.table(spec.name)
        if step is DynamoStep.CHAT_MESSAGES:
            await self.chat.erase_message_item(table, item, user)
        elif step is DynamoStep.CHAT_INBOX:
            await self.chat.erase_inbox_item(table, item, user)
        elif step is DynamoStep.CHAT_STATS:
            await self.chat.erase_stats_item(table, item, user)
        elif step is DynamoStep.NOTIFICATIONS and item["user_id"]["S"] != user:
            # Another's notification about me: theirs to lose, with its unread count.
            await self.notifications.delete(item["user_id"]["S"], item["sk"]["S"])
        else:
            names = [spec.partition_key, *([spec.sort_key] if spec.sort_key else [])]
            await self.dynamo.client.delete_item(TableName=table, Key={n: item[n] for n in names})

    async def _mentioning(
        self, spec: TableSpec, user_id: uuid.UUID
    ) -> AsyncIterator[dict[str, Any]]:
        wanted = needles(user_id)
        kwargs: dict[str, Any] = {"TableName": self.dynamo.table(spec.name)}
        while True:
            page = await self.dynamo.client.scan(**kwargs)
            for item in page["Items"]:
                if mentions(item, wanted):
                    yield item
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
