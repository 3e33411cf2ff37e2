"""Per-user inbox rows in `chat_inbox`, ordered by last activity through `by_activity`."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from datastore.chat.items import INBOX, InboxItem
from datastore.chat.repository.common import (
    batch_get,
    condition_failed,
    query_live,
    retry_conflicts,
    string_key,
)
from datastore.kit.dynamo_codec import to_attr
from datastore.kit.dynamodb import Dynamo


def _inbox(values: dict[str, Any]) -> InboxItem:
    return InboxItem(
        user_id=values["user_id"],
        conversation_id=values["conversation_id"],
        kind=values.get("kind", "DIRECT"),
        activity=values["activity"],
        unread=max(int(values.get("unread", 0)), 0),
        last_message=values.get("last_message"),
    )


class InboxRepository:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo
        self.table = dynamo.table(INBOX.name)

    async def ensure(self, user_id: str, conversation_id: str, *, kind: str, activity: str) -> None:
        """Give a user an inbox row for a conversation they joined (kept if it exists)."""
        try:
            await self.dynamo.client.put_item(
                TableName=self.table,
                Item={
                    **string_key(user_id=user_id, conversation_id=conversation_id),
                    "kind": {"S": kind},
                    "activity": {"S": activity},
                    "unread": {"N": "0"},
                },
                ConditionExpression="attribute_not_exists(conversation_id)",
            )
        except ClientError as error:
            if not condition_failed(error):
                raise

    def message_update(
        self,
        user_id: str,
        conversation_id: str,
        *,
        kind: str,
        preview: dict[str, Any],
        unread: int,
        newest: bool,
    ) -> dict[str, Any] | None:
        """The transaction item counting a message into a member's row.

        `newest`: move the row to the top with this preview, only if the message is newer
        than the row's last one (a slower write of an older message must not move the row
        back in time). Otherwise only count it unread (None when there is nothing to count).
        Exactly-once is the caller's: it writes this with a per-message marker.
        """
        key = string_key(user_id=user_id, conversation_id=conversation_id)
        if not newest:
            if not unread:
                return None
            return {
                "Update": {
                    "TableName": self.table,
                    "Key": key,
                    "UpdateExpression": "ADD unread :u",
                    "ExpressionAttributeValues": {":u": to_attr(unread)},
                }
            }
        return {
            "Update": {
                "TableName": self.table,
                "Key": key,
                "UpdateExpression": "SET activity = :a, kind = :k, last_message = :p ADD unread :u",
                "ConditionExpression": "attribute_not_exists(activity) OR activity < :a",
                "ExpressionAttributeValues": {
                    ":a": to_attr(preview["id"]),
                    ":k": to_attr(kind),
                    ":p": to_attr(preview),
                    ":u": to_attr(unread),
                },
            }
        }

    async def replace_preview(
        self, user_id: str, conversation_id: str, preview: dict[str, Any]
    ) -> None:
        """Refresh the preview when its message was edited or deleted."""
        try:
            await retry_conflicts(
                lambda: self.dynamo.client.update_item(
                    TableName=self.table,
                    Key=string_key(user_id=user_id, conversation_id=conversation_id),
                    UpdateExpression="SET last_message = :p",
                    ConditionExpression="last_message.id = :id",
                    ExpressionAttributeValues={
                        ":p": to_attr(preview),
                        ":id": to_attr(preview["id"]),
                    },
                )
            )
        except ClientError as error:
            if not condition_failed(error):
                raise

    async def set_unread(self, user_id: str, conversation_id: str, unread: int) -> None:
        await retry_conflicts(
            lambda: self.dynamo.client.update_item(
                TableName=self.table,
                Key=string_key(user_id=user_id, conversation_id=conversation_id),
                UpdateExpression="SET unread = :u",
                ConditionExpression="attribute_exists(conversation_id)",
                ExpressionAttributeValues={":u": {"N": str(unread)}},
            )
        )

    async def remove(self, user_id: str, conversation_id: str) -> None:
        await self.dynamo.client.delete_item(
            TableName=self.table, Key=string_key(user_id=user_id, conversation_id=conversation_id)
        )

    async def get_many(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], InboxItem]:
        wanted = [string_key(user_id=u, conversation_id=c) for u, c in dict.fromkeys(keys)]
        found = await batch_get(self.dynamo, self.table, wanted)
        return {(v["user_id"], v["conversation_id"]): _inbox(v) for v in found}

    async def page(
        self, user_id: str, *, after: tuple[str, str] | None, limit: int
    ) -> list[InboxItem]:
        """Most recently active first; `after` is the (activity, conversation id) cursor."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": "by_activity",
            "KeyConditionExpression": "user_id = :u",
            "ExpressionAttributeValues": {":u": {"S": user_id}},
            "ScanIndexForward": False,
        }
        if after is not None:
            activity, conversation_id = after
            kwargs["ExclusiveStartKey"] = string_key(
                user_id=user_id, conversation_id=conversation_id, activity=activity
            )
        return [_inbox(v) for v in await query_live(self.dynamo, kwargs, limit)]
