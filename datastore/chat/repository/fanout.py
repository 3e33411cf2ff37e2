"""Pending fan-outs and per-member applied markers in `chat_fanout` (see items.py)."""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from datastore.chat.items import FANOUT
from datastore.chat.repository.common import condition_failed, string_key
from datastore.kit.dynamo_codec import from_item
from datastore.kit.dynamodb import Dynamo

SHARDS = 8
APPLIED_TTL_DAYS = 30
_CONFLICT_RETRIES = 8
TRANSACTION_ITEMS = 100  # DynamoDB's limit of one TransactWriteItems
# A member's items beside one marker per message: the inbox row and statistics rows.
ITEMS_BESIDE_MARKERS = 3


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


@dataclass
class MemberFanout:
    """Messages to apply to one member at once: `build(message_ids, newest)` gives the
    transaction items (inbox, statistics) that count them, written with one applied marker
    per message. Once applied, `message_ids` holds those this call applied."""

    user_id: str
    message_ids: list[str]
    build: Callable[[list[str], bool], list[dict[str, Any]]]
    newest: bool = True
    applied: list[str] = field(default_factory=list)


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

    async def clear_many(self, keys: list[tuple[str, str]]) -> None:
        """Clear the pending markers of many (conversation id, message id) at once."""
        requests = [{"DeleteRequest": {"Key": _pending_key(c, m)}} for c, m in dict.fromkeys(keys)]
        await self.dynamo.batch_write(self.table, requests)

    async def clear(self, conversation_id: str, message_id: str) -> None:
        """The fan-out finished: nothing is pending for this message any more."""
        await self.dynamo.client.delete_item(
            TableName=self.table, Key=_pending_key(conversation_id, message_id)
        )

    # -- applied once per member -----------------------------------------------------------

    def _marker(self, user_id: str, conversation_id: str, message_id: str) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table,
                "Item": {
                    **string_key(pk=f"a#{user_id}", sk=f"{conversation_id}#{message_id}"),
                    "expires_at": {"N": str(int(time.time()) + APPLIED_TTL_DAYS * 86400)},
                },
                "ConditionExpression": "attribute_not_exists(sk)",
            }
        }

    async def apply_members(self, conversation_id: str, members: list[MemberFanout]) -> None:
        """Apply each member's messages with their markers, in one transaction (of at most
        100 items) for as many members as fit. A message whose marker exists was applied
        before and is left out (`member.applied` lists the rest): exactly once per member."""
        for member in members:
            member.applied = []
        for chunk in transactions(members):
            await self._apply_chunk(conversation_id, chunk)

    async def _apply_chunk(self, conversation_id: str, chunk: list[MemberFanout]) -> None:
        pending = {m.user_id: list(m.message_ids) for m in chunk}
        for attempt in range(_CONFLICT_RETRIES):
            spans: list[tuple[MemberFanout, list[str], int, int]] = []
            items: list[dict[str, Any]] = []
            for member in chunk:
                ids = pending[member.user_id]
                if not ids:
                    continue
                markers = [self._marker(member.user_id, conversation_id, i) for i in ids]
                spans.append((member, ids, len(items), len(markers)))
                items += [*markers, *member.build(ids, member.newest)]
            if not items:
                return
            try:
                await self.dynamo.client.transact_write_items(TransactItems=items)
            except ClientError as error:
                reasons = _reasons(error)
                if not reasons or set(reasons) - {"None", "ConditionalCheckFailed", *_RETRY}:
                    raise
                for index, (member, ids, start, count) in enumerate(spans):
                    mine = reasons[start : start + count]
                    done = {i for i, r in zip(ids, mine, strict=True) if r == _APPLIED}
                    # Where this member's items end: where the next member's begin.
                    end = spans[index + 1][2] if index + 1 < len(spans) else None
                    if done:  # applied before: leave those out
                        pending[member.user_id] = [i for i in ids if i not in done]
                    elif "ConditionalCheckFailed" in reasons[start + count : end]:
                        member.newest = False  # a newer message is the row's last one already
                if set(reasons) & _RETRY:
                    await asyncio.sleep(0.01 * 2**attempt)
                continue
            for member, ids, _start, _count in spans:
                member.applied = ids
            return
        raise RuntimeError("fan-out transaction kept conflicting")


_RETRY = {"TransactionConflict"}
_APPLIED = "ConditionalCheckFailed"  # on a marker: this member had this message already


def transactions(members: list[MemberFanout]) -> Iterator[list[MemberFanout]]:
    """Members in groups whose items fit one transaction (a member is never split)."""
    chunk: list[MemberFanout] = []
    used = 0
    for member in members:
        need = len(member.message_ids) + ITEMS_BESIDE_MARKERS
        if chunk and used + need > TRANSACTION_ITEMS:
            yield chunk
            chunk, used = [], 0
        chunk.append(member)
        used += need
    if chunk:
        yield chunk
