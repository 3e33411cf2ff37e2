"""After a message is durable: live event, inbox rows, statistics, notifications, activity.

The message item is the truth; everything here is derived from it. Members are updated
concurrently (bounded), so a large group's send costs one round of parallel writes.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import structlog

from datastore.chat.items import ConversationItem, MessageItem
from datastore.chat.live import publish_conversation, publish_inbox
from datastore.chat.repository.fanout import SHARDS, FanoutRepository, PendingFanout
from datastore.people.repository import ActivityRepository, PeopleRepository

if TYPE_CHECKING:
    from datastore.chat.service.parts import ChatParts

log = structlog.get_logger("personalpod.chat.fanout")

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
    """The side effects of a durable message, at least once and each applied once.

    `create_message` writes a pending marker with the message. `deliver` applies the
    fan-out (each member's inbox row and statistics with a per-member marker in the same
    transaction; notifications with a dedupe key; the activity with a unique source) and
    then clears the marker. A retried send with a pending marker, or `recover_once` (the
    worker), runs `deliver` again: repeating it changes nothing.
    """

    # A pending fan-out younger than this is presumably still running in its request.
    grace_seconds = 30.0
    every_seconds = 10.0
    lease_seconds = 60.0
    batch = 100

    def __init__(self, chat: ChatParts) -> None:
        self.chat = chat
        self.clients = chat.clients
        self.pending = FanoutRepository(chat.clients.dynamo)
        self._limit = asyncio.Semaphore(chat.settings.fanout_concurrency)

    async def message_added(
        self,
        conversation: ConversationItem,
        message: MessageItem,
        *,
        members: list[uuid.UUID] | None = None,
    ) -> None:
        """Publish a stored message live, then apply its fan-out (`members`: if known)."""
        await publish_conversation(
            self.clients.broker,
            conversation.id,
            {"type": "MESSAGE_ADDED", "message": message.to_json()},
        )
        await self.deliver(conversation, message, members=members)

    async def resume(
        self,
        conversation: ConversationItem,
        message: MessageItem,
        *,
        members: list[uuid.UUID] | None = None,
    ) -> bool:
        """A retried send: finish the message's fan-out if it is still pending."""
        if not await self.pending.is_pending(conversation.id, message.id):
            return False
        await self.message_added(conversation, message, members=members)
        return True

    async def deliver(
        self,
        conversation: ConversationItem,
        message: MessageItem,
        *,
        members: list[uuid.UUID] | None = None,
    ) -> None:
        """Apply the fan-out of a stored message (idempotent), then clear its pending marker.

        `members`: the conversation's members when the caller already read them.
        """
        if members is None:
            members = await self.chat.access.member_ids(conversation)
        viewers = await self.chat.viewing.viewers(conversation.id)
        preview = preview_of(message)
        # The message's own day, so a late (recovered) fan-out counts into the right day.
        day = message.created_at[:10]
        sender = message.sender_id
        away = [m for m in members if str(m) != sender and str(m) not in viewers]
        await self.gather(
            self._member_update(conversation, message, m, preview, day, str(m) == sender)
            for m in members
        )
        if away and message.kind != "SYSTEM":
            await self._notify(conversation, message, away)
        if message.kind != "SYSTEM":
            async with self.clients.db() as db, db.begin():
                await ActivityRepository(db).record(
                    uuid.UUID(sender),
                    "MESSAGE_SENT",
                    {"conversationId": conversation.id, "messageId": message.id},
                    source=f"message:{message.id}",
                )
        await self.pending.clear(conversation.id, message.id)

    async def _member_update(
        self,
        conversation: ConversationItem,
        message: MessageItem,
        member: uuid.UUID,
        preview: dict[str, Any],
        day: str,
        is_sender: bool,
    ) -> None:
        user_id = str(member)
        system = message.kind == "SYSTEM"
        unread = 0 if is_sender or system else 1

        def build(newest: bool) -> list[dict[str, Any]]:
            items = [
                self.chat.inbox.message_update(
                    user_id,
                    conversation.id,
                    kind=conversation.kind,
                    preview=preview,
                    unread=unread,
                    newest=newest,
                )
            ]
            if not system:
                items.append(
                    self.chat.statistics.count_update(
                        user_id,
                        day,
                        sent=int(is_sender),
                        received=int(not is_sender),
                        conversation_id=conversation.id,
                    )
                )
            return [i for i in items if i is not None]

        if await self.pending.apply_once(user_id, conversation.id, message.id, build):
            await publish_inbox(self.clients.broker, member, conversation.id, "MESSAGE")

    async def _notify(
        self, conversation: ConversationItem, message: MessageItem, recipients: list[uuid.UUID]
    ) -> None:
        async with self.clients.db() as db:
            sender = await PeopleRepository(db).get(uuid.UUID(message.sender_id))
        name = (sender.display_name or sender.username) if sender else "Someone"
        notifications = self.chat.notifications
        body = (message.body or message.kind.lower())[:PREVIEW_CHARS]
        await self.gather(
            notifications.notify(
                r,
                "MESSAGE",
                title=f"New message from {name}",
                body=body,
                data={"conversationId": conversation.id, "messageId": message.id},
                dedupe_key=f"message:{message.id}:{r}",
            )
            for r in recipients
        )

    # -- recovery: fan-outs left pending by a request that died ---------------------------

    async def run(self) -> None:
        """Forever: complete fan-outs left pending longer than the grace period."""
        while True:
            await asyncio.sleep(self.every_seconds)
            try:
                await self.recover_once()
            except Exception:
                log.exception("chat_fanout_recovery_failed")

    async def recover_once(self, *, older_than: float | None = None) -> int:
        """Complete each pending fan-out older than `older_than` seconds; how many."""
        grace = self.grace_seconds if older_than is None else older_than
        before = int((time.time() - grace) * 1000)
        done = 0
        for shard in range(SHARDS):
            for pending in await self.pending.pending(
                shard, before_millis=before, limit=self.batch
            ):
                if not await self.pending.claim(pending, lease_seconds=self.lease_seconds):
                    continue
                try:
                    await self._complete(pending)
                except Exception:
                    log.exception(
                        "chat_fanout_pending_failed",
                        conversation_id=pending.conversation_id,
                        message_id=pending.message_id,
                    )
                    continue
                done += 1
        return done

    async def _complete(self, pending: PendingFanout) -> None:
        key = (pending.conversation_id, pending.message_id)
        conversations = await self.chat.messages_repository.conversations([key[0]])
        messages = await self.chat.messages_repository.messages([key])
        conversation, message = conversations.get(key[0]), messages.get(key)
        if conversation is None or message is None:  # gone (expired): nothing to derive
            await self.pending.clear(*key)
            return
        await self.message_added(conversation, message)

    async def message_changed(
        self,
        conversation: ConversationItem,
        message: MessageItem,
        kind: str,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """An edit, delete or reaction: tell the conversation; refresh previews."""
        await publish_conversation(
            self.clients.broker,
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
