"""Chat subscriptions: a conversation's events and my inbox, live from Redis."""

from __future__ import annotations

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
            if not await chat.access.is_member(conversation, me):
                raise Forbidden(NO_LONGER_MEMBER)
            await chat.access.refuse_blocked(conversation, me, field=None)
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


def _shared_event(raw: bytes) -> ConversationEvent:
    """The one ConversationEvent of these bytes (the broker hands every subscriber the same)."""
    found = _recent_events.get(raw)
    if found is None:
        found = _recent_events[raw] = ConversationEvent(event=orjson.loads(raw))
        if len(_recent_events) > EVENTS_KEPT:
            _recent_events.popitem(last=False)
    return found
