"""Conversations, messages, idempotency markers and receipts in `chat_messages`."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from botocore.exceptions import ClientError

from datastore.chat.ids import is_conversation_id
from datastore.chat.items import (
    MESSAGES,
    REACTIONS,
    ConversationItem,
    MessageItem,
    ParticipantItem,
)
from datastore.chat.repository.common import (
    batch_get,
    condition_failed,
    live,
    query_live,
    string_key,
)
from datastore.chat.repository.fanout import FanoutRepository
from datastore.kit.dynamo_codec import from_values, to_attr, to_item
from datastore.kit.dynamodb import Dynamo
from datastore.kit.group_commit import GroupCommit, Outcomes

FIRST_MESSAGE, LAST_MESSAGE = "m#", "m#~"  # "~" sorts after every id character
# Messages stored together at most: three items each, and 100 fit one transaction.
MESSAGES_TOGETHER = 33
_CREATE_ATTEMPTS = 8
Created = tuple[MessageItem, bool]
_RETRY: Any = object()  # cancelled with the others: written in the next transaction
_UNSET: Any = object()
# Why a transaction of messages may be cancelled and still be sorted out item by item.
_CANCELLED_BY = {"None", "ConditionalCheckFailed", "TransactionConflict"}


def _message(values: dict[str, Any]) -> MessageItem:
    reactions = {k: set(values[f"rx_{k}"]) for k in REACTIONS if values.get(f"rx_{k}")}
    return from_values(MessageItem, values, edits=values.get("edits") or [], reactions=reactions)


def _stored(message: MessageItem) -> dict[str, Any]:
    values = {k: v for k, v in asdict(message).items() if k != "reactions"}
    values["sk"] = f"m#{message.id}"
    if not values["edits"]:
        values.pop("edits")
    return to_item(values)


def _client_marker_sk(message: MessageItem) -> str:
    return f"c#{message.sender_id}#{message.client_id}"


def _participant(values: dict[str, Any]) -> ParticipantItem:
    return ParticipantItem(
        conversation_id=values["conversation_id"],
        user_id=values["sk"][2:],
        delivered_upto=values.get("delivered_upto"),
        delivered_at=values.get("delivered_at"),
        read_upto=values.get("read_upto"),
        read_at=values.get("read_at"),
    )


class MessageRepository:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo
        self.table = dynamo.table(MESSAGES.name)
        self.fanout = FanoutRepository(dynamo)
        self._creating = GroupCommit(self._create_together, most=MESSAGES_TOGETHER)
        self._reading = GroupCommit(self._conversations_of, most=100, running=2)

    # -- conversations -------------------------------------------------------------------

    async def create_conversation(self, conversation: ConversationItem) -> ConversationItem:
        """Store a conversation once; asking again returns the stored one."""
        values = {**asdict(conversation), "conversation_id": conversation.id, "sk": "meta"}
        values.pop("id")
        try:
            await self.dynamo.client.put_item(
                TableName=self.table,
                Item=to_item(values),
                ConditionExpression="attribute_not_exists(sk)",
            )
        except ClientError as error:
            if not condition_failed(error):
                raise
            found = await self.conversations([conversation.id])
            return found.get(conversation.id, conversation)
        return conversation

    async def conversations(self, ids: list[str]) -> dict[str, ConversationItem]:
        keys = [string_key(conversation_id=i, sk="meta") for i in dict.fromkeys(ids)]
        return {
            v["conversation_id"]: ConversationItem(
                id=v["conversation_id"],
                kind=v["kind"],
                members=v.get("members") or [],
                group_id=v.get("group_id"),
                created_at=v["created_at"],
            )
            for v in await batch_get(self.dynamo, self.table, keys)
        }

    async def conversation(self, conversation_id: str) -> ConversationItem | None:
        """One conversation; other requests' reads meanwhile share its BatchGetItem (every
        send reads its conversation). A malformed id is none, never in a shared read."""
        if not is_conversation_id(conversation_id):
            return None
        return await self._reading(conversation_id)

    async def _conversations_of(self, ids: list[str]) -> Outcomes[ConversationItem | None]:
        found = await self.conversations(ids)
        return [found.get(i) for i in ids]

    # -- messages ------------------------------------------------------------------------

    async def create_message(self, message: MessageItem) -> tuple[MessageItem, bool]:
        """Store a message, its client-id marker and its pending fan-out together.

        A repeat (same sender and client id) stores nothing and returns the first message,
        with False. The pending fan-out stays until `FanoutRepository.clear`. Messages sent
        meanwhile by other requests are written in the same transaction (group commit).
        """
        return await self._creating(message)

    async def _create_together(self, messages: list[MessageItem]) -> Outcomes[Created]:
        """`create_message` for each message, in as few transactions as can be."""
        outcomes: Outcomes[Created] = [_UNSET] * len(messages)
        left = list(range(len(messages)))
        for attempt in range(_CREATE_ATTEMPTS):
            # An item may appear once per transaction: a repeated client id goes next round.
            now: list[int] = []
            later: list[int] = []
            markers: set[str] = set()
            for i in left:
                marker = _client_marker_sk(messages[i])
                (later if marker in markers else now).append(i)
                markers.add(marker)
            written, conflicted = await self._write_new([messages[i] for i in now])
            for i, outcome in zip(now, written, strict=True):
                if outcome is _RETRY:
                    later.append(i)
                else:
                    outcomes[i] = outcome
            left = later
            if not left:
                return outcomes
            if conflicted:  # another transaction holds one of the items
                await asyncio.sleep(0.01 * 2**attempt)
        for i in left:
            outcomes[i] = RuntimeError("storing the message kept conflicting")
        return outcomes

    async def _write_new(self, messages: list[MessageItem]) -> tuple[list[Any], bool]:
        """One transaction of the messages' items: for each, (message, True), the first
        message of its client id with False, an error, or _RETRY (cancelled with others);
        and whether another transaction got in the way."""
        items = []
        for message in messages:
            marker = {
                "conversation_id": message.conversation_id,
                "sk": _client_marker_sk(message),
                "message_id": message.id,
            }
            items += [
                {"Put": {"TableName": self.table, "Item": _stored(message)}},
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": to_item(marker),
                        "ConditionExpression": "attribute_not_exists(sk)",
                    }
                },
                self.fanout.pending_put(message.conversation_id, message.id),
            ]
        try:
            await self.dynamo.client.transact_write_items(TransactItems=items)
        except ClientError as error:
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            if not reasons or set(reasons) - _CANCELLED_BY:
                raise
            outcomes = [
                await self._repeat(message, error)
                if reasons[3 * index + 1] == "ConditionalCheckFailed"
                else _RETRY
                for index, message in enumerate(messages)
            ]
            return outcomes, "TransactionConflict" in reasons
        return [(message, True) for message in messages], False

    async def _repeat(self, message: MessageItem, error: ClientError) -> Created | BaseException:
        """The first message of this client id (its marker exists), with False."""
        existing = await self._by_client_id(message)
        return error if existing is None else (existing, False)

    async def _by_client_id(self, message: MessageItem) -> MessageItem | None:
        response = await self.dynamo.client.get_item(
            TableName=self.table,
            Key=string_key(conversation_id=message.conversation_id, sk=_client_marker_sk(message)),
            ConsistentRead=True,
        )
        marker = live(response["Item"]) if "Item" in response else None
        if marker is None:
            return None
        found = await self.messages([(message.conversation_id, marker["message_id"])])
        return found.get((message.conversation_id, marker["message_id"]))

    async def messages(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], MessageItem]:
        wanted = [string_key(conversation_id=c, sk=f"m#{m}") for c, m in dict.fromkeys(keys)]
        found = await batch_get(self.dynamo, self.table, wanted)
        return {(v["conversation_id"], v["id"]): _message(v) for v in found}

    async def page(
        self, conversation_id: str, *, start: str | None, forward: bool, limit: int
    ) -> list[MessageItem]:
        """Up to `limit` messages after (forward) or before `start`, nearest first."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "conversation_id = :c AND sk BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": {
                ":c": {"S": conversation_id},
                ":lo": {"S": FIRST_MESSAGE},
                ":hi": {"S": LAST_MESSAGE},
            },
            "ScanIndexForward": forward,
        }
        if start is not None:
            kwargs["ExclusiveStartKey"] = string_key(
                conversation_id=conversation_id, sk=f"m#{start}"
            )
        return [_message(v) for v in await query_live(self.dynamo, kwargs, limit)]

    async def update_message(
        self, message: MessageItem, *, update: str, condition: str, values: dict[str, Any]
    ) -> MessageItem | None:
        """Apply an update when `condition` holds; the new message, or None."""
        names = {"#b": "body"} if "#b" in update + condition else {}
        try:
            response = await self.dynamo.client.update_item(
                TableName=self.table,
                Key=string_key(conversation_id=message.conversation_id, sk=f"m#{message.id}"),
                UpdateExpression=update,
                ConditionExpression=f"attribute_exists(sk) AND ({condition})",
                ExpressionAttributeValues={k: to_attr(v) for k, v in values.items()},
                **({"ExpressionAttributeNames": names} if names else {}),
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if condition_failed(error):
                return None
            raise
        return _message(live(response["Attributes"]) or {})

    async def count_from_others_after(
        self, conversation_id: str, user_id: str, after: str | None, *, cap: int = 1000
    ) -> int:
        """How many messages others sent after `after` (my unread count), up to `cap`."""
        values = {
            ":c": {"S": conversation_id},
            ":lo": {"S": f"m#{after}~" if after else FIRST_MESSAGE},
            ":hi": {"S": LAST_MESSAGE},
            ":me": {"S": user_id},
        }
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "conversation_id = :c AND sk BETWEEN :lo AND :hi",
            "FilterExpression": "sender_id <> :me AND attribute_not_exists(deleted_at)",
            "ExpressionAttributeValues": values,
            "Select": "COUNT",
        }
        count = 0
        while count < cap:
            response = await self.dynamo.client.query(**kwargs)
            count += response["Count"]
            if "LastEvaluatedKey" not in response:
                break
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return min(count, cap)

    # -- receipts ------------------------------------------------------------------------

    async def advance(
        self, conversation_id: str, user_id: str, *, field: str, upto: str, at: str
    ) -> bool:
        """Move my delivered/read position forward to `upto`; False if it was already there."""
        try:
            await self.dynamo.client.update_item(
                TableName=self.table,
                Key=string_key(conversation_id=conversation_id, sk=f"p#{user_id}"),
                UpdateExpression=f"SET {field}_upto = :u, {field}_at = :t",
                ConditionExpression=f"attribute_not_exists({field}_upto) OR {field}_upto < :u",
                ExpressionAttributeValues={":u": {"S": upto}, ":t": {"S": at}},
            )
        except ClientError as error:
            if condition_failed(error):
                return False
            raise
        return True

    async def participants(self, conversation_id: str) -> list[ParticipantItem]:
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "conversation_id = :c AND begins_with(sk, :p)",
            "ExpressionAttributeValues": {":c": {"S": conversation_id}, ":p": {"S": "p#"}},
        }
        return [_participant(v) for v in await query_live(self.dynamo, kwargs, 100_000)]
