"""Erasing a deleted account from chat, so the others' history stays coherent.

- DIRECT conversations: their id and partition are derived from the pair (d_<a>_<b>), so
  the whole conversation goes, for both sides (items of it: meta, messages, markers,
  receipts, the other's inbox row and the pair's id in their statistics).
- GROUP conversations: my messages become tombstones (no body, media or edits; the sender
  is `DELETED_SENDER`, shown as a deleted account), my idempotency markers and receipts
  go, and my reactions leave others' messages.
- Groups I own pass to the next member by rank then seniority; a group with nobody left
  is deleted, with its conversation.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.chat.ids import group_conversation_id
from datastore.chat.items import DELETED_SENDER, MESSAGES, REACTIONS
from datastore.chat.repository.common import condition_failed
from datastore.chat.tables import ChatGroup, GroupMember
from datastore.kit.dynamodb import Dynamo

RANKS = {"OWNER": 0, "ADMIN": 1, "MEMBER": 2}


def _s(item: dict[str, Any], name: str) -> str:
    return str(item.get(name, {}).get("S", ""))


class ChatErasureRepository:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo

    async def erase_message_item(self, table: str, item: dict[str, Any], user_id: str) -> str:
        """Apply the plan to one `chat_messages` item that mentions `user_id`; what was done."""
        conversation_id, sk = _s(item, "conversation_id"), _s(item, "sk")
        key = {"conversation_id": {"S": conversation_id}, "sk": {"S": sk}}
        client = self.dynamo.client
        if user_id in conversation_id or sk in (f"p#{user_id}",) or sk.startswith(f"c#{user_id}#"):
            await client.delete_item(TableName=table, Key=key)
            return "deleted"
        if sk.startswith("m#") and _s(item, "sender_id") == user_id:
            await client.update_item(
                TableName=table,
                Key=key,
                UpdateExpression="SET sender_id = :dead, client_id = :cid, "
                "deleted_at = if_not_exists(deleted_at, :now) "
                "REMOVE body, media, edits, edited_at",
                ExpressionAttributeValues={
                    ":dead": {"S": DELETED_SENDER},
                    ":cid": {"S": f"deleted-{secrets.token_hex(8)}"},
                    ":now": {"S": datetime.now(UTC).isoformat(timespec="milliseconds")},
                },
            )
        reacted = [k for k in REACTIONS if user_id in item.get(f"rx_{k}", {}).get("SS", [])]
        if reacted:
            # DELETE on a string set; an emptied set disappears by itself.
            await client.update_item(
                TableName=table,
                Key=key,
                UpdateExpression="DELETE " + ", ".join(f"rx_{k} :me" for k in reacted),
                ExpressionAttributeValues={":me": {"SS": [user_id]}},
            )
        return "tombstoned"

    async def erase_inbox_item(self, table: str, item: dict[str, Any], user_id: str) -> str:
        """My rows and others' rows of a DIRECT conversation with me go; others' previews of
        my group messages show a deleted sender without the text."""
        key = {"user_id": item["user_id"], "conversation_id": item["conversation_id"]}
        if _s(item, "user_id") == user_id or user_id in _s(item, "conversation_id"):
            await self.dynamo.client.delete_item(TableName=table, Key=key)
            return "deleted"
        try:
            await self.dynamo.client.update_item(
                TableName=table,
                Key=key,
                UpdateExpression="SET last_message.sender_id = :dead REMOVE last_message.body",
                ConditionExpression="last_message.sender_id = :me",
                ExpressionAttributeValues={":dead": {"S": DELETED_SENDER}, ":me": {"S": user_id}},
            )
        except ClientError as error:
            if not condition_failed(error):
                raise
            return "kept"  # a newer message replaced the preview meanwhile
        return "scrubbed"

    async def erase_stats_item(self, table: str, item: dict[str, Any], user_id: str) -> str:
        """My statistics go; others lose the DIRECT conversation with me from their sets."""
        key = {"user_id": item["user_id"], "sk": item["sk"]}
        if _s(item, "user_id") == user_id:
            await self.dynamo.client.delete_item(TableName=table, Key=key)
            return "deleted"
        mine = [c for c in item.get("conversations", {}).get("SS", []) if user_id in c]
        await self.dynamo.client.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="DELETE conversations :mine",
            ExpressionAttributeValues={":mine": {"SS": mine}},
        )
        return "scrubbed"

    async def delete_conversation(self, conversation_id: str) -> int:
        """Every item of a conversation's partition (a group that no longer exists)."""
        table = self.dynamo.table(MESSAGES.name)
        items = await self.dynamo.query_all(
            TableName=table,
            KeyConditionExpression="conversation_id = :c",
            ExpressionAttributeValues={":c": {"S": conversation_id}},
            ProjectionExpression="conversation_id, sk",
        )
        for item in items:
            await self.dynamo.client.delete_item(TableName=table, Key=item)
        return len(items)


class GroupHandover:
    """PostgreSQL side: before my membership rows cascade away, no group is left ownerless."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def hand_over(self, user_id: uuid.UUID) -> list[uuid.UUID]:
        """Pass each group I own to its next member; the ids of groups left with nobody,
        which are deleted (their conversations are the caller's to delete)."""
        owned = await self.session.execute(
            select(GroupMember.group_id)
            .where(GroupMember.user_id == user_id, GroupMember.role == "OWNER")
            .with_for_update()
        )
        emptied: list[uuid.UUID] = []
        for group_id in owned.scalars():
            heir = await self._heir(group_id, user_id)
            if heir is None:
                emptied.append(group_id)
                continue
            await self.session.execute(
                update(GroupMember)
                .where(GroupMember.group_id == group_id, GroupMember.user_id == heir)
                .values(role="OWNER")
            )
        if emptied:
            await self.session.execute(delete(ChatGroup).where(ChatGroup.id.in_(emptied)))
        return emptied

    async def _heir(self, group_id: uuid.UUID, user_id: uuid.UUID) -> uuid.UUID | None:
        rows = await self.session.execute(
            select(GroupMember.user_id, GroupMember.role, GroupMember.joined_at).where(
                GroupMember.group_id == group_id, GroupMember.user_id != user_id
            )
        )
        members = sorted(rows, key=lambda r: (RANKS.get(r.role, 9), r.joined_at, r.user_id))
        return members[0].user_id if members else None


def emptied_conversation_ids(group_ids: list[uuid.UUID]) -> list[str]:
    return [group_conversation_id(g) for g in group_ids]
