"""Pending fan-outs and per-member applied markers in `chat_fanout` (see items.py)."""

from __future__ import annotations

import asyncio
import time
import zlib
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from datastore.chat.items import FANOUT
from datastore.chat.repository.common import condition_failed, string_key
from datastore.kit.dynamo_codec import from_item
from datastore.kit.dynamodb import Dynamo

SHARDS = 8
APPLIED_TTL_DAYS = 30
_CONFLICT_RETRIES = 8


@dataclass(frozen=True)
class PendingFanout:
    conversation_id: str
    message_id: str
    shard: int


def shard_of(conversation_id: str) -> int:
    return zlib.crc32(conversation_id.encode()) % SHARDS


def _pending_key(conversation_id: str, message_id: str) -> dict[str, Any]:
    return string_key(pk=f"p#{shard_of(conversation_id)}", sk=f"{message_id}#{conversation_id}")


def _reasons(error: ClientError) -> list[str]:
    return [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]


class FanoutRepository:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo
        self.table = dynamo.table(FANOUT.name)

    # -- pending fan-outs ------------------------------------------------------------------

    def pending_put(self, conversation_id: str, message_id: str) -> dict[str, Any]:
        """The transaction item marking a message's fan-out pending (beside the message)."""
        item = {
            **_pending_key(conversation_id, message_id),
            "conversation_id": {"S": conversation_id},
            "message_id": {"S": message_id},
        }
        return {"Put": {"TableName": self.table, "Item": item}}

    async def is_pending(self, conversation_id: str, message_id: str) -> bool:
        response = await self.dynamo.client.get_item(
            TableName=self.table,
            Key=_pending_key(conversation_id, message_id),
            ConsistentRead=True,
        )
        return "Item" in response

    async def pending(self, shard: int, *, before_millis: int, limit: int) -> list[PendingFanout]:
        """Pending fan-outs of one shard whose messages are older than `before_millis`."""
        response = await self.dynamo.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :p AND sk < :cut",
            ExpressionAttributeValues={
                ":p": {"S": f"p#{shard}"},
                ":cut": {"S": f"{before_millis:013d}"},
            },
            Limit=limit,
            ConsistentRead=True,
        )
        found = [from_item(v) for v in response["Items"]]
        return [PendingFanout(v["conversation_id"], v["message_id"], shard) for v in found]

    async def claim(self, pending: PendingFanout, *, lease_seconds: float) -> bool:
        """Lease a pending fan-out to this worker; False if another one holds it."""
        now = time.time()
        try:
            await self.dynamo.client.update_item(
                TableName=self.table,
                Key=_pending_key(pending.conversation_id, pending.message_id),
                UpdateExpression="SET lease_until = :until",
                ConditionExpression="attribute_exists(sk) AND "
                "(attribute_not_exists(lease_until) OR lease_until < :now)",
                ExpressionAttributeValues={
                    ":until": {"N": str(now + lease_seconds)},
                    ":now": {"N": str(now)},
                },
            )
        except ClientError as error:
            if condition_failed(error):
                return False
            raise
        return True

    async def clear(self, conversation_id: str, message_id: str) -> None:
        """The fan-out finished: nothing is pending for this message any more."""
        await self.dynamo.client.delete_item(
            TableName=self.table, Key=_pending_key(conversation_id, message_id)
        )

    # -- applied once per member -----------------------------------------------------------

    async def apply_once(
        self,
        user_id: str,
        conversation_id: str,
        message_id: str,
        build: Any,
    ) -> bool:
        """Write `build(newest)` with this member's applied marker in one transaction.

        `build(newest: bool)` gives the transaction items (inbox, statistics). With
        `newest=True` the inbox item may fail its condition (a newer message is already
        the row's last one): then `build(False)` counts the message without moving the row.
        False when the marker existed: this member already had this message applied.
        """
        marker = {
            "Put": {
                "TableName": self.table,
                "Item": {
                    **string_key(pk=f"a#{user_id}", sk=f"{conversation_id}#{message_id}"),
                    "expires_at": {"N": str(int(time.time()) + APPLIED_TTL_DAYS * 86400)},
                },
                "ConditionExpression": "attribute_not_exists(sk)",
            }
        }
        newest = True
        for attempt in range(_CONFLICT_RETRIES):
            try:
                await self.dynamo.client.transact_write_items(
                    TransactItems=[marker, *build(newest)]
                )
            except ClientError as error:
                reasons = _reasons(error)
                if not reasons:
                    raise
                if reasons[0] == "ConditionalCheckFailed":
                    return False
                if newest and "ConditionalCheckFailed" in reasons[1:]:
                    newest = False
                    continue
                if "TransactionConflict" in reasons and attempt + 1 < _CONFLICT_RETRIES:
                    await asyncio.sleep(0.01 * 2**attempt)
                    continue
                raise
            return True
        raise RuntimeError("fan-out transaction kept conflicting")  # pragma: no cover
