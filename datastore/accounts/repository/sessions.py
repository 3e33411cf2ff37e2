"""Device sessions in DynamoDB, keyed by session id, listed per user through `by_user`."""

from __future__ import annotations

import base64
import contextlib
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import orjson

from datastore.accounts.items import SESSIONS, SessionItem
from datastore.kit.dynamo_codec import from_item, from_values, to_item
from datastore.kit.dynamodb import Dynamo, expired
from datastore.kit.errors import BadUserInput


def _session(item: dict[str, Any]) -> SessionItem | None:
    """The session of an item, or None when its TTL has passed (DynamoDB deletes lazily)."""
    values = from_item(item)
    if expired(values):
        return None
    return from_values(SessionItem, values)


def session_cursor(session: SessionItem) -> str:
    """The opaque position of `session` in its user's list (the index's key)."""
    key = {"id": session.id, "user_id": session.user_id, "created_at": session.created_at}
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode()


def decode_cursor(cursor: str) -> dict[str, Any] | None:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        return None
    if not isinstance(values, dict) or set(values) != {"id", "user_id", "created_at"}:
        return None
    return to_item(values)


class SessionRepository:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo
        self.table = dynamo.table(SESSIONS.name)

    async def create(self, session: SessionItem) -> None:
        await self.dynamo.client.put_item(
            TableName=self.table,
            Item=to_item(asdict(session)),
            ConditionExpression="attribute_not_exists(id)",
        )

    async def get(self, session_id: str) -> SessionItem | None:
        response = await self.dynamo.client.get_item(
            TableName=self.table, Key={"id": {"S": session_id}}, ConsistentRead=True
        )
        return _session(response["Item"]) if "Item" in response else None

    async def get_many(self, session_ids: Sequence[str]) -> dict[str, SessionItem]:
        keys = [{"id": {"S": i}} for i in dict.fromkeys(session_ids)]
        sessions = map(_session, await self.dynamo.batch_get(self.table, keys))
        return {session.id: session for session in sessions if session}

    async def list_for_user(
        self, user_id: str, *, limit: int, after: str | None
    ) -> tuple[list[SessionItem], bool]:
        """Newest first: a page of live sessions and whether more follow."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": "by_user",
            "KeyConditionExpression": "user_id = :u",
            "FilterExpression": "expires_at > :now",
            "ExpressionAttributeValues": {
                ":u": {"S": user_id},
                ":now": {"N": str(int(time.time()))},
            },
            "ScanIndexForward": False,
            "Limit": limit + 1,
        }
        if after is not None:
            start = decode_cursor(after)
            if start is None or start["user_id"] != {"S": user_id}:
                raise BadUserInput("This cursor does not belong to this list.", field="after")
            kwargs["ExclusiveStartKey"] = start
        sessions: list[SessionItem] = []
        while len(sessions) <= limit:
            response = await self.dynamo.client.query(**kwargs)
            sessions.extend(s for s in map(_session, response["Items"]) if s)
            if "LastEvaluatedKey" not in response:
                break
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return sessions[:limit], len(sessions) > limit

    async def list_ids_for_user(self, user_id: str) -> list[str]:
        items = await self.dynamo.query_all(
            TableName=self.table,
            IndexName="by_user",
            KeyConditionExpression="user_id = :u",
            ExpressionAttributeValues={":u": {"S": user_id}},
            ProjectionExpression="id",
        )
        return [item["id"]["S"] for item in items]

    async def delete(self, session_id: str) -> bool:
        """Remove a session; False when it did not exist."""
        response = await self.dynamo.client.delete_item(
            TableName=self.table, Key={"id": {"S": session_id}}, ReturnValues="ALL_OLD"
        )
        return "Attributes" in response

    async def touch(self, session_id: str, *, last_active_at: str) -> None:
        # A session revoked meanwhile has nothing to touch.
        with contextlib.suppress(self.dynamo.client.exceptions.ConditionalCheckFailedException):
            await self.dynamo.client.update_item(
                TableName=self.table,
                Key={"id": {"S": session_id}},
                UpdateExpression="SET last_active_at = :t",
                ConditionExpression="attribute_exists(id)",
                ExpressionAttributeValues={":t": {"S": last_active_at}},
            )
