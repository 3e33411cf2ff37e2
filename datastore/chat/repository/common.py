"""DynamoDB helpers shared by chat repositories."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from botocore.exceptions import ClientError

from datastore.kit.dynamo_codec import from_item
from datastore.kit.dynamodb import Dynamo, expired


def live(raw: dict[str, Any]) -> dict[str, Any] | None:
    """The plain values of an item, or None once its TTL passed."""
    values = from_item(raw)
    return None if expired(values) else values


async def batch_get(dynamo: Dynamo, table: str, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Live items for `keys`."""
    return [v for v in map(live, await dynamo.batch_get(table, keys)) if v]


async def query_live(dynamo: Dynamo, kwargs: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    """Up to `limit` live items of a Query, paging past expired ones."""
    found: list[dict[str, Any]] = []
    kwargs = {**kwargs, "Limit": limit}
    while len(found) < limit:
        response = await dynamo.client.query(**kwargs)
        found.extend(v for v in map(live, response["Items"]) if v)
        if "LastEvaluatedKey" not in response:
            break
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    return found[:limit]


def condition_failed(error: Exception) -> bool:
    response = getattr(error, "response", {})
    if response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
        return True
    reasons = response.get("CancellationReasons", [])
    return any(r.get("Code") == "ConditionalCheckFailed" for r in reasons)


def string_key(**values: str) -> dict[str, Any]:
    return {k: {"S": v} for k, v in values.items()}


async def retry_conflicts(write: Callable[[], Awaitable[Any]], *, attempts: int = 5) -> Any:
    """Run a single-item write, retrying while a fan-out transaction holds the item:
    DynamoDB refuses such writes with TransactionConflictException and botocore does not
    retry it."""
    for attempt in range(attempts):
        try:
            return await write()
        except ClientError as error:
            conflict = error.response.get("Error", {}).get("Code") == "TransactionConflictException"
            if not conflict or attempt + 1 == attempts:
                raise
            await asyncio.sleep(0.02 * 2**attempt)
    return None
