"""Chat subscriptions: a conversation's events and my inbox, live from Redis."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncGenerator
from typing import Annotated

import orjson
import strawberry
from strawberry import relay

from datastore.chat.live import conversation_channel, inbox_channel, looking_at
from datastore.chat.service import ChatService
from datastore.kit.errors import Forbidden, NotFound
from datastore.kit.pubsub import Subscription
from resolvers.chat.ids import conversation_argument
from resolvers.chat.types.events import ConversationEvent, InboxEvent
from resolvers.core.context import Info
from resolvers.core.permissions import IsAuthenticated

# How often a quiet subscription re-reads membership, in case a removal event was lost.
MEMBERSHIP_RECHECK_SECONDS = 30.0
NO_LONGER_MEMBER = "You are no longer a member of this conversation."
# Events decoded lately, by their bytes: every socket on a conversation gets the same
# object, so the server executes each document over an event once (server/shared_events).
EVENTS_KEPT = 256
_recent_events: OrderedDict[bytes, ConversationEvent] = OrderedDict()
# A periodic recheck's answer, shared by one member's sockets for this long.
RECHECK_SHARED_SECONDS = 5.0
RECHECKS_KEPT = 10_000
# Oldest first: a refreshed key moves to the end, so trimming pops from the front.
_rechecks: OrderedDict[tuple[str, uuid.UUID], tuple[float, asyncio.Future[None]]] = OrderedDict()


@strawberry.type
class ChatSubscriptions:
    @strawberry.subscription(
        description="Messages added, edited, deleted, reactions, receipts and typing in one "
        "conversation, live. Members only; FORBIDDEN in a DIRECT conversation where either "
        "person blocked the other, and ends with FORBIDDEN when I am removed or a block "
        "happens. While "
        "subscribed I am looking at it (no MESSAGE notifications for it). At least once: "
        "a recovered send can repeat MESSAGE_ADDED, so keep messages by id.",
        permission_classes=[IsAuthenticated],
    )
    async def conversation_events(
        self,
        info: Info,
        conversation_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The conversation.")
        ],
    ) -> AsyncGenerator[ConversationEvent, None]:
        me = info.context.require_principal().user_id
        conversation = conversation_argument(conversation_id)
        services = info.context.services
        chat = services.chat
        async with services.clients.broker.subscribe(
            conversation_channel(conversation)
        ) as subscription:
            # Checked once subscribed, so a removal racing this check is still heard.
            if not await chat.access.is_member(conversation, me):
                raise NotFound("No such conversation.", field="conversationId")
            await chat.access.refuse_blocked(conversation, me)
            async with looking_at(chat.viewing, conversation, me):
                async for event in _member_events(subscription, chat, conversation, me):
                    info.context.loaders = info.context.fresh_loaders()
                    yield event

    @strawberry.subscription(
        description="Changes to my inbox (new messages, reads, joins, leaves), live.",
        permission_classes=[IsAuthenticated],
    )
    async def inbox_events(self, info: Info) -> AsyncGenerator[InboxEvent, None]:
        me = info.context.require_principal().user_id
        services = info.context.services
        async with services.clients.broker.subscribe(inbox_channel(me)) as subscription:
            async for _channel, data in subscription:
                info.context.loaders = info.context.fresh_loaders()
                yield InboxEvent.from_event(orjson.loads(data))


async def _member_events(
    subscription: Subscription, chat: ChatService, conversation: str, me: uuid.UUID
) -> AsyncGenerator[ConversationEvent, None]:
    """A conversation's events for one member, ending with FORBIDDEN once they are removed or
    the pair blocks: at the MEMBER_REMOVED or BLOCKED event, or at the next periodic recheck
    if that event was lost."""
    while True:
        message = await subscription.next(timeout=MEMBERSHIP_RECHECK_SECONDS)
        if message is None:
            await _still_allowed(chat, conversation, me)
            continue
        shared = _shared_event(message[1])
        event = shared.event
        if event["type"] == "MEMBER_REMOVED":
            if event["userId"] == str(me):
                raise Forbidden(NO_LONGER_MEMBER)
            continue
        if event["type"] == "BLOCKED":
            # Re-read: a BLOCKED redelivered (at least once) after an unblock must not end it.
            await chat.access.refuse_blocked(conversation, me, field=None)
            continue
        if event["type"] == "TYPING" and event["userId"] == str(me):
            continue
        yield shared


async def _still_allowed(chat: ChatService, conversation: str, me: uuid.UUID) -> None:
    """FORBIDDEN once I was removed or the pair blocks. Read once per member and
    conversation every few seconds in this process, however many of my sockets ask:
    10,000 quiet sockets must not each query PostgreSQL every recheck."""
    key, now = (conversation, me), time.monotonic()
    found = _rechecks.get(key)
    # Never older than half a recheck period, so a lost removal still ends it in time.
    if found is None or now - found[0] > min(
        RECHECK_SHARED_SECONDS, MEMBERSHIP_RECHECK_SECONDS / 2
    ):
        task = asyncio.ensure_future(_check_allowed(chat, conversation, me))
        task.add_done_callback(_retrieved)
        _rechecks.pop(key, None)
        found = _rechecks[key] = (now, task)
        while len(_rechecks) > RECHECKS_KEPT:
            _rechecks.popitem(last=False)
    await asyncio.shield(found[1])


async def _check_allowed(chat: ChatService, conversation: str, me: uuid.UUID) -> None:
    if not await chat.access.is_member(conversation, me):
        raise Forbidden(NO_LONGER_MEMBER)
    await chat.access.refuse_blocked(conversation, me, field=None)


def _retrieved(task: asyncio.Future[None]) -> None:
    # Each asking socket sees the outcome; none may be left "never retrieved".
    if not task.cancelled():
        task.exception()


def _shared_event(raw: bytes) -> ConversationEvent:
    """The one ConversationEvent of these bytes (the broker hands every subscriber the same)."""
    found = _recent_events.get(raw)
    if found is None:
        found = _recent_events[raw] = ConversationEvent(event=orjson.loads(raw))
        if len(_recent_events) > EVENTS_KEPT:
            _recent_events.popitem(last=False)
    return found
