"""The Message type: body, edits, reactions, media and per-recipient receipts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import strawberry
from strawberry import relay

from datastore.chat.items import DELETED_SENDER, REACTIONS, MessageItem, ParticipantItem
from datastore.people.service import person_global_id
from resolvers.chat.ids import conversation_gid, message_key, message_node_id
from resolvers.chat.types.enums import DeliveryState, MessageKind, ReactionKind
from resolvers.chat.types.media import Media, message_media
from resolvers.core.context import Info
from resolvers.core.ids import node_key
from resolvers.core.nodes import Nodes
from resolvers.core.pagination import After, Connection, First, list_page
from resolvers.people.types import Person


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.type(description="An earlier version of an edited message.")
class MessageEdit:
    body: str | None = strawberry.field(description="The body before this edit.")
    edited_at: datetime = strawberry.field(description="When it was replaced.")


@strawberry.type(description="How many people reacted to a message with one reaction.")
class ReactionCount:
    reaction: ReactionKind = strawberry.field(description="The reaction.")
    count: int = strawberry.field(description="How many people chose it.")
    reacted_by_me: bool = strawberry.field(description="I am one of them.")


@dataclass
class _Receipt:
    user_id: str
    state: str
    at: str | None


@strawberry.type(description="How far a message got to one recipient.")
class Receipt:
    person_id: strawberry.ID = strawberry.field(description="Global id of the recipient.")
    state: DeliveryState = strawberry.field(description="SENT, DELIVERED or READ.")
    at: datetime | None = strawberry.field(description="When it reached that state (at latest).")
    user_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The recipient.")
    async def person(self, info: Info) -> Person | None:
        row = await info.context.loaders.user_by_id.load(self.user_id)
        return Person.from_row(row) if row else None


def receipt_state(message_id: str, participant: ParticipantItem | None) -> tuple[str, str | None]:
    if participant and participant.read_upto and participant.read_upto >= message_id:
        return "READ", participant.read_at
    if participant and participant.delivered_upto and participant.delivered_upto >= message_id:
        return "DELIVERED", participant.delivered_at
    return "SENT", None


@strawberry.type(description="A message of a conversation. Deleted ones stay as tombstones.")
class Message(relay.Node):
    id: relay.NodeID[str]
    item: strawberry.Private[MessageItem]

    @classmethod
    def from_item(cls, item: MessageItem) -> Message:
        return cls(id=message_node_id(item.conversation_id, item.id), item=item)

    @strawberry.field(description="Global id of its conversation.")
    def conversation_id(self) -> strawberry.ID:
        return strawberry.ID(conversation_gid(self.item.conversation_id))

    @strawberry.field(description="What it carries.")
    def kind(self) -> MessageKind:
        return MessageKind(self.item.kind)

    @strawberry.field(description="The text; null once deleted (or for media without caption).")
    def body(self) -> str | None:
        return None if self.item.deleted_at else self.item.body

    @strawberry.field(description="The sender's own id for this message, unique per sender.")
    def client_id(self) -> str:
        return self.item.client_id

    @strawberry.field(description="When it was sent; messages are ordered by it.")
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.item.created_at)

    @strawberry.field(description="When it was last edited.")
    def edited_at(self) -> datetime | None:
        return _time(self.item.edited_at)

    @strawberry.field(description="When it was deleted; a deleted message keeps its place.")
    def deleted_at(self) -> datetime | None:
        return _time(self.item.deleted_at)

    @strawberry.field(description="True once deleted.")
    def deleted(self) -> bool:
        return self.item.deleted_at is not None

    @strawberry.field(description="Global id of the sender.")
    def sender_id(self) -> strawberry.ID:
        return strawberry.ID(person_global_id(self.item.sender_id))

    @strawberry.field(description="The sender; a deleted account's shows as deleted.")
    async def sender(self, info: Info) -> Person | None:
        if self.item.sender_id == DELETED_SENDER:
            return Person.deleted()
        row = await info.context.loaders.user_by_id.load(uuid.UUID(self.item.sender_id))
        return Person.from_row(row) if row else None

    @strawberry.field(description="The message this one answers, if any.")
    async def reply_to(self, info: Info) -> Message | None:
        if not self.item.reply_to:
            return None
        found = await info.context.loaders.chat.message_for(
            self.item.conversation_id, self.item.reply_to
        )
        return Message.from_item(found) if found else None

    @strawberry.field(description="The attached file, for IMAGE, VIDEO and DOCUMENT.")
    async def media(self, info: Info) -> Media | None:
        media = None if self.item.deleted_at else self.item.media
        return await message_media(info, media) if media else None

    @strawberry.field(description="Earlier versions, oldest first.")
    def edit_history(self, first: First = None, after: After = None) -> Connection[MessageEdit]:
        return list_page(
            self.item.edits,
            kind="edit",
            first=first,
            after=after,
            node=lambda e: MessageEdit(
                body=e.get("body"), edited_at=datetime.fromisoformat(e["edited_at"])
            ),
        )

    @strawberry.field(
        description="Reaction counts, in the order of ReactionKind; zero counts left out."
    )
    def reactions(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[ReactionCount]:
        me = str(info.context.require_principal().user_id)
        counts = [
            ReactionCount(reaction=ReactionKind(k), count=len(users), reacted_by_me=me in users)
            for k in REACTIONS
            if (users := self.item.reactions.get(k))
        ]
        return list_page(counts, kind="reaction", first=first, after=after, node=lambda c: c)

    async def _receipts(self, info: Info) -> list[_Receipt]:
        loaders = info.context.loaders.chat
        conversation_id = self.item.conversation_id
        members = await loaders.member_ids_by_conversation.load(conversation_id) or []
        participants = await loaders.participants_by_conversation.load(conversation_id) or []
        by_user = {p.user_id: p for p in participants}
        found = []
        for member in sorted(str(m) for m in members):
            if member != self.item.sender_id:
                state, at = receipt_state(self.item.id, by_user.get(member))
                found.append(_Receipt(member, state, at))
        return found

    @strawberry.field(description="Delivery state per recipient (everyone but the sender).")
    async def receipts(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Receipt]:
        return list_page(
            await self._receipts(info),
            kind="receipt",
            first=first,
            after=after,
            node=lambda r: Receipt(
                person_id=strawberry.ID(person_global_id(r.user_id)),
                user_id=uuid.UUID(r.user_id),
                state=DeliveryState(r.state),
                at=_time(r.at),
            ),
        )

    @strawberry.field(
        description="For my messages: READ once every recipient read it, DELIVERED once "
        "every recipient has it, else SENT. For others' messages: my own state."
    )
    async def delivery_state(self, info: Info) -> DeliveryState:
        me = str(info.context.require_principal().user_id)
        receipts = await self._receipts(info)
        if self.item.sender_id != me:
            receipts = [r for r in receipts if r.user_id == me]
        for state in ("SENT", "DELIVERED"):
            if any(r.state == state for r in receipts):
                return DeliveryState(state)
        return DeliveryState.READ

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return _messages(info, [node_key(i, message_key) for i in node_ids])


async def _messages(info: Info, keys: list[tuple[str, str] | None]) -> list[Message | None]:
    """Messages of the conversations I am in; null for anyone else, as for a missing one."""
    principal = info.context.principal
    if principal is None:
        return [None] * len(keys)
    loaders = info.context.loaders.chat

    async def one(key: tuple[str, str] | None) -> Message | None:
        if key is None or not await loaders.is_member(key[0], principal.user_id):
            return None
        item = await loaders.message_for(*key)
        return Message.from_item(item) if item else None

    # Concurrently, so the loaders batch every key into one round trip each.
    return list(await asyncio.gather(*(one(k) for k in keys)))
