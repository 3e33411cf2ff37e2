"""After a message is durable: live event, inbox rows, statistics, notifications.

The message item is the truth; everything here is derived from it. Members are updated
concurrently (bounded), so a large group's send costs one round of parallel writes.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from datastore.chat.items import ConversationItem, MessageItem
from datastore.chat.live import publish_conversation, publish_inbox
from datastore.people.repository import ActivityRepository, PeopleRepository

if TYPE_CHECKING:
    from datastore.chat.service import ChatService

PREVIEW_CHARS = 120


def preview_of(message: MessageItem) -> dict[str, Any]:
    body = None if message.deleted_at else (message.body or "")[:PREVIEW_CHARS]
    return {
        "id": message.id,
        "sender_id": message.sender_id,
        "kind": message.kind,
        "body": body,
        "deleted": message.deleted_at is not None,
        "created_at": message.created_at,
    }


def today() -> str:
    return datetime.now(UTC).date().isoformat()


class Fanout:
    def __init__(self, chat: ChatService) -> None:
        self.chat = chat
        self.services = chat.services
        self._limit = asyncio.Semaphore(chat.settings.fanout_concurrency)

    async def message_added(self, conversation: ConversationItem, message: MessageItem) -> None:
        await publish_conversation(
            self.services.broker,
            conversation.id,
            {"type": "MESSAGE_ADDED", "message": message.to_json()},
        )
        members = await self.chat.access.member_ids(conversation)
        viewers = await self.chat.viewing.viewers(conversation.id)
        preview, day = preview_of(message), today()
        sender = message.sender_id
        away = [m for m in members if str(m) != sender and str(m) not in viewers]
        await self.gather(
            self._member_update(conversation, m, preview, day, str(m) == sender) for m in members
        )
        if away and message.kind != "SYSTEM":
            await self._notify(conversation, message, away)
        if message.kind != "SYSTEM":
            async with self.services.db() as db, db.begin():
                await ActivityRepository(db).record(
                    uuid.UUID(sender),
                    "MESSAGE_SENT",
                    {"conversationId": conversation.id, "messageId": message.id},
                )

    async def _member_update(
        self,
        conversation: ConversationItem,
        member: uuid.UUID,
        preview: dict[str, Any],
        day: str,
        is_sender: bool,
    ) -> None:
        user_id = str(member)
        await self.chat.inbox.record_message(
            user_id,
            conversation.id,
            kind=conversation.kind,
            preview=preview,
            unread=0 if is_sender or preview["kind"] == "SYSTEM" else 1,
        )
        if preview["kind"] != "SYSTEM":
            await self.chat.statistics.add(
                user_id,
                day,
                sent=int(is_sender),
                received=int(not is_sender),
                conversation_id=conversation.id,
            )
        await publish_inbox(self.services.broker, member, conversation.id, "MESSAGE")

    async def _notify(
        self, conversation: ConversationItem, message: MessageItem, recipients: list[uuid.UUID]
    ) -> None:
        async with self.services.db() as db:
            sender = await PeopleRepository(db).get(uuid.UUID(message.sender_id))
        name = (sender.display_name or sender.username) if sender else "Someone"
        notifications = self.services.domain("notifications")
        body = (message.body or message.kind.lower())[:PREVIEW_CHARS]
        await self.gather(
            notifications.notify(
                r,
                "MESSAGE",
                title=f"New message from {name}",
                body=body,
                data={"conversationId": conversation.id, "messageId": message.id},
                dedupe_key=f"message:{conversation.id}:{message.id}",
            )
            for r in recipients
        )

    async def message_changed(
        self,
        conversation: ConversationItem,
        message: MessageItem,
        kind: str,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """An edit, delete or reaction: tell the conversation; refresh previews."""
        await publish_conversation(
            self.services.broker,
            conversation.id,
            {"type": kind, "message": message.to_json(), **(extra or {})},
        )
        if kind in ("MESSAGE_EDITED", "MESSAGE_DELETED"):
            preview = preview_of(message)
            members = await self.chat.access.member_ids(conversation)
            await self.gather(
                self.chat.inbox.replace_preview(str(m), conversation.id, preview) for m in members
            )

    async def gather(self, coroutines: Iterable[Awaitable[Any]]) -> None:
        async def bounded(coroutine: Awaitable[Any]) -> None:
            async with self._limit:
                await coroutine

        await asyncio.gather(*(bounded(c) for c in coroutines))
