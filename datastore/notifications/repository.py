"""Notifications in DynamoDB: write once (idempotently), page, count and mark read."""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import orjson

from datastore.kit.dynamo_codec import from_item, from_values, to_item
from datastore.kit.dynamodb import Dynamo, expired
from datastore.kit.errors import BadUserInput
from datastore.notifications.items import NOTIFICATIONS, TTL_DAYS, NotificationItem

TRANSACTION_LIMIT = 100


def _notification(item: dict[str, Any]) -> NotificationItem | None:
    """The notification of an item, or None once its TTL passed (DynamoDB deletes lazily)."""
    values = from_item(item)
    if expired(values):
        return None
    return from_values(NotificationItem, values, data=orjson.loads(values.get("data") or "{}"))


def notification_cursor(item: NotificationItem) -> str:
    return base64.urlsafe_b64encode(item.sk.encode()).decode()


def _decode_cursor(cursor: str) -> str:
    try:
        sk = base64.urlsafe_b64decode(cursor.encode()).decode()
    except ValueError:
        sk = ""
    if not sk.startswith("n#"):
        raise BadUserInput("This cursor does not belong to this list.", field="after")
    return sk


class NotificationRepository:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo
        self.table = dynamo.table(NOTIFICATIONS.name)

    async def create(
        self,
        user_id: str,
        kind: str,
        *,
        title: str,
        body: str | None,
        data: dict[str, Any],
        dedupe_key: str | None,
    ) -> NotificationItem | None:
        """Store an unread notification and bump the count; None if `dedupe_key` was used."""
        now = time.time()
        item = NotificationItem(
            user_id=user_id,
            sk=f"n#{int(now * 1000):013d}-{secrets.token_hex(4)}",
            kind=kind,
            title=title,
            body=body,
            data=data,
            created_at=datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds"),
            read_at=None,
            expires_at=int(now) + TTL_DAYS * 86400,
        )
        stored = {**asdict(item), "data": orjson.dumps(data).decode(), "unread_user": user_id}
        writes: list[dict[str, Any]] = [
            {"Put": {"TableName": self.table, "Item": to_item(stored)}},
            self._count_update(user_id, +1),
        ]
        if dedupe_key:
            marker = {"user_id": user_id, "sk": f"d#{dedupe_key}", "expires_at": item.expires_at}
            writes.append(
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": to_item(marker),
                        "ConditionExpression": "attribute_not_exists(sk)",
                    }
                }
            )
        try:
            await self.dynamo.client.transact_write_items(TransactItems=writes)
        except self.dynamo.client.exceptions.TransactionCanceledException as error:
            if _condition_failed(error):
                return None
            raise
        return item

    def _count_update(self, user_id: str, delta: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table,
                "Key": {"user_id": {"S": user_id}, "sk": {"S": "counter"}},
                "UpdateExpression": "ADD unread :d",
                "ExpressionAttributeValues": {":d": {"N": str(delta)}},
            }
        }

    async def page(
        self, user_id: str, *, limit: int, after: str | None, unread_only: bool
    ) -> tuple[list[NotificationItem], bool]:
        """Newest first: a page of live notifications and whether more follow."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "ScanIndexForward": False,
            "Limit": limit + 1,
            "ExpressionAttributeValues": {":u": {"S": user_id}, ":n": {"S": "n#"}},
        }
        if unread_only:
            kwargs["IndexName"] = "unread"
            kwargs["KeyConditionExpression"] = "unread_user = :u AND begins_with(sk, :n)"
        else:
            kwargs["KeyConditionExpression"] = "user_id = :u AND begins_with(sk, :n)"
        if after is not None:
            sk = _decode_cursor(after)
            start = {"user_id": {"S": user_id}, "sk": {"S": sk}}
            if unread_only:
                start["unread_user"] = {"S": user_id}
            kwargs["ExclusiveStartKey"] = start
        found: list[NotificationItem] = []
        while len(found) <= limit:
            response = await self.dynamo.client.query(**kwargs)
            found.extend(n for n in map(_notification, response["Items"]) if n)
            if "LastEvaluatedKey" not in response:
                break
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return found[:limit], len(found) > limit

    async def get_many(self, user_id: str, sks: list[str]) -> dict[str, NotificationItem]:
        keys = [
            {"user_id": {"S": user_id}, "sk": {"S": sk}}
            for sk in dict.fromkeys(sks)
            if sk.startswith("n#")
        ]
        items = map(_notification, await self.dynamo.batch_get(self.table, keys))
        return {item.sk: item for item in items if item}

    async def unread_count(self, user_id: str) -> int:
        response = await self.dynamo.client.get_item(
            TableName=self.table,
            Key={"user_id": {"S": user_id}, "sk": {"S": "counter"}},
            ConsistentRead=True,
        )
        return max(int(response.get("Item", {}).get("unread", {}).get("N", 0)), 0)

    async def unread_keys(self, user_id: str) -> list[str]:
        items = await self.dynamo.query_all(
            TableName=self.table,
            IndexName="unread",
            KeyConditionExpression="unread_user = :u",
            ExpressionAttributeValues={":u": {"S": user_id}},
            ProjectionExpression="sk",
        )
        return [item["sk"]["S"] for item in items]

    async def mark_read(self, user_id: str, sks: list[str]) -> int:
        """Mark each unread one read and lower the count with it; how many changed."""
        marked = 0
        for sk in dict.fromkeys(sks):
            if sk.startswith("n#") and await self._mark_one(user_id, sk):
                marked += 1
        return marked

    async def _mark_one(self, user_id: str, sk: str) -> bool:
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        try:
            await self.dynamo.client.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": {"user_id": {"S": user_id}, "sk": {"S": sk}},
                            "UpdateExpression": "SET read_at = :t REMOVE unread_user",
                            "ConditionExpression": "attribute_exists(unread_user)",
                            "ExpressionAttributeValues": {":t": {"S": stamp}},
                        }
                    },
                    self._count_update(user_id, -1),
                ]
            )
        except self.dynamo.client.exceptions.TransactionCanceledException as error:
            if _condition_failed(error):
                return False  # already read, or not this user's
            raise
        return True

    async def delete(self, user_id: str, sk: str) -> bool:
        """Delete one item (a deleted account's notification, or one about it), lowering
        the count if it was unread; False when it was gone already."""
        key = {"user_id": {"S": user_id}, "sk": {"S": sk}}
        try:
            await self.dynamo.client.transact_write_items(
                TransactItems=[
                    {
                        "Delete": {
                            "TableName": self.table,
                            "Key": key,
                            "ConditionExpression": "attribute_exists(unread_user)",
                        }
                    },
                    self._count_update(user_id, -1),
                ]
            )
            return True
        except self.dynamo.client.exceptions.TransactionCanceledException as error:
            if not _condition_failed(error):
                raise
        # Read (or no notification at all: a marker, the counter): nothing to count down.
        response = await self.dynamo.client.delete_item(
            TableName=self.table, Key=key, ReturnValues="ALL_OLD"
        )
        return "Attributes" in response


def _condition_failed(error: Exception) -> bool:
    reasons = getattr(error, "response", {}).get("CancellationReasons", [])
    return any(r.get("Code") == "ConditionalCheckFailed" for r in reasons)
