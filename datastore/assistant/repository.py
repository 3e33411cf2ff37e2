"""Assistant sessions in DynamoDB: the recent turns that give follow-up questions context."""

from __future__ import annotations

import time
from typing import Any

import orjson

from datastore.assistant.items import ASSISTANT_SESSIONS, MAX_TURNS
from datastore.kit.dynamo_codec import from_item, to_item
from datastore.kit.dynamodb import Dynamo


class AssistantSessionRepository:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo
        self.table = dynamo.table(ASSISTANT_SESSIONS.name)

    async def turns(self, user_id: str, session_id: str) -> list[dict[str, Any]] | None:
        """The session's turns, oldest first; None if missing, someone else's, or expired."""
        response = await self.dynamo.client.get_item(
            TableName=self.table,
            Key=to_item({"user_id": user_id, "session_id": session_id}),
            ConsistentRead=True,
        )
        if "Item" not in response:
            return None
        values = from_item(response["Item"])
        # DynamoDB deletes expired items lazily: never serve one past its TTL.
        if values.get("expires_at", 0) <= time.time():
            return None
        return orjson.loads(values["turns"])

    async def save(
        self, user_id: str, session_id: str, turns: list[dict[str, Any]], *, ttl_seconds: int
    ) -> None:
        item = {
            "user_id": user_id,
            "session_id": session_id,
            "turns": orjson.dumps(turns[-MAX_TURNS:]).decode(),
            "expires_at": int(time.time()) + ttl_seconds,
        }
        await self.dynamo.client.put_item(TableName=self.table, Item=to_item(item))
