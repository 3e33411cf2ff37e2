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
from datastore.chat.live import publish_conversation, publish_inboxes
from datastore.chat.repository.fanout import (
    SHARDS,
    FanoutRepository,
    MemberFanout,
    PendingFanout,
    transactions,
)
from datastore.chat.service.fanout_queue import ConversationQueues, FanoutJob
from datastore.people.repository import ActivityRepository, PeopleRepository

if TYPE_CHECKING:
    from datastore.chat.service.parts import ChatParts

log = structlog.get_logger("personalpod.chat.fanout")

PREVIEW_CHARS = 120
# Messages of one conversation applied in one go, at most: with a marker each, one
# member's items (markers, inbox, statistics) stay well inside a 100-item transaction.
MESSAGES_TOGETHER = 32


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
        self._queues = ConversationQueues(self._deliver_together, most=MESSAGES_TOGETHER)

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

        `members`: the conversation's members when the caller already read them. Messages
        of one conversation arriving while its fan-out runs are applied together after it.
        """
        await self._queues.submit(FanoutJob(conversation, message, members))

    async def _deliver_together(self, jobs: list[FanoutJob]) -> None:
        conversation = jobs[0].conversation
        everyone = None
        if any(job.members is None for job in jobs):
            everyone = await self.chat.access.member_ids(conversation)
        viewers = await self.chat.viewing.viewers(conversation.id)
        by_member: dict[uuid.UUID, list[MessageItem]] = {}
        for job in jobs:
            for member in job.members if job.members is not None else everyone or []:
                by_member.setdefault(member, []).append(job.message)
        fanouts = [self._member_fanout(conversation, m, ms) for m, ms in by_member.items()]
        await self.gather(
            self.pending.apply_members(conversation.id, chunk) for chunk in transactions(fanouts)
        )
        applied: list[object] = [f.user_id for f in fanouts if f.applied]
        await publish_inboxes(self.clients.broker, applied, conversation.id, "MESSAGE")
        messages = [job.message for job in jobs if job.message.kind != "SYSTEM"]
        away = {
            job.message.id: [
                m
                for m in (job.members if job.members is not None else everyone or [])
                if str(m) != job.message.sender_id and str(m) not in viewers
            ]
            for job in jobs
        }
        await self._notify(conversation, messages, away)
        if messages:
            async with self.clients.db() as db, db.begin():
                await ActivityRepository(db).record_many(
                    "MESSAGE_SENT",
                    [
                        (
                            uuid.UUID(m.sender_id),
                            {"conversationId": conversation.id, "messageId": m.id},
                            f"message:{m.id}",
                        )
                        for m in messages
                    ],
                )
        await self.pending.clear_many([(conversation.id, job.message.id) for job in jobs])

    def _member_fanout(
        self, conversation: ConversationItem, member: uuid.UUID, messages: list[MessageItem]
    ) -> MemberFanout:
        """One member's share of the messages: one inbox update (the newest preview, unread
        counted) and one statistics update per day, written with a marker per message."""
        user_id = str(member)
        by_id = {m.id: m for m in messages}

        def build(message_ids: list[str], newest: bool) -> list[dict[str, Any]]:
            chosen = [by_id[i] for i in message_ids]
            counted = [m for m in chosen if m.kind != "SYSTEM"]
            unread = sum(1 for m in counted if m.sender_id != user_id)
            last = max(chosen, key=lambda m: m.id)
            items = [
                self.chat.inbox.message_update(
                    user_id,
                    conversation.id,
                    kind=conversation.kind,
                    preview=preview_of(last),
                    unread=unread,
                    newest=newest,
                )
            ]
            # The message's own day, so a late (recovered) fan-out counts into the right day.
            for day in sorted({m.created_at[:10] for m in counted}):
                that_day = [m for m in counted if m.created_at[:10] == day]
                sent = sum(1 for m in that_day if m.sender_id == user_id)
                items.append(
                    self.chat.statistics.count_update(
                        user_id,
                        day,
                        sent=sent,
                        received=len(that_day) - sent,
                        conversation_id=conversation.id,
                    )
                )
            return [i for i in items if i is not None]

        return MemberFanout(user_id, list(by_id), build)

    async def _notify(
        self,
        conversation: ConversationItem,
        messages: list[MessageItem],
        away: dict[str, list[uuid.UUID]],
    ) -> None:
        """A MESSAGE notification to each member away from the conversation (deduplicated)."""
        wanted = [m for m in messages if away.get(m.id)]
        if not wanted:
            return
        async with self.clients.db() as db:
            found = await PeopleRepository(db).names(list({uuid.UUID(m.sender_id) for m in wanted}))
        names = {str(user_id): name for user_id, name in found.items()}
        notifications = self.chat.notifications
        await self.gather(
            notifications.notify(
                r,
                "MESSAGE",
                title=f"New message from {names.get(m.sender_id) or 'Someone'}",
                body=(m.body or m.kind.lower())[:PREVIEW_CHARS],
                data={"conversationId": conversation.id, "messageId": m.id},
                dedupe_key=f"message:{m.id}:{r}",
            )
            for m in wanted
            for r in away[m.id]
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
