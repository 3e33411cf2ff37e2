"""Live events of conversations and of my inbox, plus statistics and small payloads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import strawberry

from datastore.chat.items import MessageItem, StatsItem
from datastore.people.service import person_global_id
from resolvers.chat.ids import conversation_gid, message_gid
from resolvers.chat.types.conversation import Conversation
from resolvers.chat.types.enums import DeliveryState, ReactionKind
from resolvers.chat.types.message import Message
from resolvers.core.context import Info
from resolvers.people.types import Person


@strawberry.enum(
    description="What happened in a conversation. MEDIA_PROCESSED: a message's file finished "
    "processing (its media.processingStatus is READY or FAILED, with a thumbnail if any)."
)
class ConversationEventKind(Enum):
    MESSAGE_ADDED = "MESSAGE_ADDED"
    MESSAGE_EDITED = "MESSAGE_EDITED"
    MESSAGE_DELETED = "MESSAGE_DELETED"
    REACTION = "REACTION"
    MEDIA_PROCESSED = "MEDIA_PROCESSED"
    RECEIPT = "RECEIPT"
    TYPING = "TYPING"


@strawberry.type(description="Something that happened in a conversation, live.")
class ConversationEvent:
    event: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="What happened.")
    def kind(self) -> ConversationEventKind:
        return ConversationEventKind(self.event["type"])

    @strawberry.field(description="Global id of the conversation.")
    def conversation_id(self) -> strawberry.ID:
        return strawberry.ID(conversation_gid(self.event["conversationId"]))

    @strawberry.field(
        description="The message, as it is after this event (not for TYPING/RECEIPT)."
    )
    def message(self) -> Message | None:
        values = self.event.get("message")
        return Message.from_item(MessageItem.from_json(values)) if values else None

    @strawberry.field(description="Global id of who reacted, read, received or typed.")
    def person_id(self) -> strawberry.ID | None:
        user_id = self.event.get("userId")
        return strawberry.ID(person_global_id(user_id)) if user_id else None

    @strawberry.field(description="Who reacted, read, received or typed.")
    async def person(self, info: Info) -> Person | None:
        user_id = self.event.get("userId")
        row = await info.context.loaders.user_by_id.load(uuid.UUID(user_id)) if user_id else None
        return Person.from_row(row) if row else None

    @strawberry.field(description="REACTION: which reaction.")
    def reaction(self) -> ReactionKind | None:
        return ReactionKind(self.event["reaction"]) if self.event.get("reaction") else None

    @strawberry.field(description="REACTION: true when added, false when taken back.")
    def reaction_added(self) -> bool | None:
        return self.event.get("added")

    @strawberry.field(description="RECEIPT: DELIVERED or READ.")
    def receipt_state(self) -> DeliveryState | None:
        return DeliveryState(self.event["state"]) if self.event.get("state") else None

    @strawberry.field(description="RECEIPT: global id of the newest message it covers.")
    def up_to(self) -> strawberry.ID | None:
        up_to = self.event.get("upTo")
        return strawberry.ID(message_gid(self.event["conversationId"], up_to)) if up_to else None

    @strawberry.field(description="TYPING: started (true) or stopped (false).")
    def typing(self) -> bool | None:
        return self.event.get("typing")

    @strawberry.field(description="TYPING: when to stop showing it unless renewed.")
    def typing_expires_at(self) -> datetime | None:
        expires = self.event.get("expiresAt")
        return datetime.fromtimestamp(expires, UTC) if expires else None

    @strawberry.field(description="When it happened.")
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.event["at"], UTC)


@strawberry.enum(description="Why my inbox changed.")
class InboxEventKind(Enum):
    MESSAGE = "MESSAGE"
    READ = "READ"
    JOINED = "JOINED"
    LEFT = "LEFT"


@strawberry.type(description="A change to my inbox, live.")
class InboxEvent:
    kind: InboxEventKind = strawberry.field(description="Why it changed.")
    conversation_id: strawberry.ID = strawberry.field(description="Global id of the conversation.")
    raw_id: strawberry.Private[str]

    @strawberry.field(description="The conversation as it is now; null once I left it.")
    async def conversation(self, info: Info) -> Conversation | None:
        me = info.context.require_principal().user_id
        item = await info.context.loaders.chat.conversation_for(self.raw_id, me)
        return Conversation.from_item(item) if item else None

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> InboxEvent:
        return cls(
            kind=InboxEventKind(event["kind"]),
            conversation_id=strawberry.ID(conversation_gid(event["conversationId"])),
            raw_id=event["conversationId"],
        )


@strawberry.enum(description="A day or a calendar month (UTC).")
class StatisticsPeriod(Enum):
    DAY = "DAY"
    MONTH = "MONTH"


@strawberry.type(description="My chat activity in one day or month.")
class ChatStatistics:
    period: StatisticsPeriod = strawberry.field(description="DAY or MONTH.")
    start: str = strawberry.field(description="The day (YYYY-MM-DD) or month (YYYY-MM).")
    messages_sent: int = strawberry.field(description="Messages I sent.")
    messages_received: int = strawberry.field(description="Messages others sent to me.")
    groups_joined: int = strawberry.field(description="Groups I joined or created.")
    active_conversations: int = strawberry.field(description="Conversations with messages.")

    @classmethod
    def from_item(cls, item: StatsItem, period: StatisticsPeriod) -> ChatStatistics:
        return cls(
            period=period,
            start=item.day,
            messages_sent=item.messages_sent,
            messages_received=item.messages_received,
            groups_joined=item.groups_joined,
            active_conversations=len(item.conversations),
        )


@strawberry.type(description="The result of toggling a reaction.")
class ReactionPayload:
    message: Message = strawberry.field(description="The message with its new counts.")
    added: bool = strawberry.field(description="True when my reaction was added, false removed.")
