"""The Conversation type: my inbox view of a DIRECT or GROUP conversation."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from datastore.chat.ids import message_millis
from datastore.chat.items import ConversationItem, InboxItem
from datastore.people.service import person_global_id
from resolvers.chat.ids import message_gid
from resolvers.chat.types.enums import ConversationKind, MessageKind
from resolvers.chat.types.group import Group
from resolvers.core.context import Info
from resolvers.core.nodes import Nodes
from resolvers.core.pagination import After, Connection, First, list_page
from resolvers.people.types import Person


@strawberry.type(description="A short view of a conversation's newest message.")
class MessagePreview:
    values: strawberry.Private[dict[str, Any]]
    conversation_id: strawberry.Private[str]

    @strawberry.field(description="Global id of the message.")
    def message_id(self) -> strawberry.ID:
        return strawberry.ID(message_gid(self.conversation_id, self.values["id"]))

    @strawberry.field(description="Global id of its sender.")
    def sender_id(self) -> strawberry.ID:
        return strawberry.ID(person_global_id(self.values["sender_id"]))

    @strawberry.field(description="What it carries.")
    def kind(self) -> MessageKind:
        return MessageKind(self.values["kind"])

    @strawberry.field(description="The first 120 characters; null when deleted.")
    def body(self) -> str | None:
        return self.values.get("body")

    @strawberry.field(description="The message was deleted.")
    def deleted(self) -> bool:
        return bool(self.values.get("deleted"))

    @strawberry.field(description="When it was sent.")
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.values["created_at"])


@strawberry.type(description="A conversation I am in: DIRECT (two people) or a group's.")
class Conversation(relay.Node):
    id: relay.NodeID[str]
    item: strawberry.Private[ConversationItem]

    @classmethod
    def from_item(cls, item: ConversationItem) -> Conversation:
        return cls(id=item.id, item=item)

    @strawberry.field(description="DIRECT or GROUP.")
    def kind(self) -> ConversationKind:
        return ConversationKind(self.item.kind)

    @strawberry.field(description="When it was created.")
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.item.created_at)

    async def _inbox(self, info: Info) -> InboxItem | None:
        me = info.context.require_principal().user_id
        return await info.context.loaders.chat.inbox_row(me, self.item.id)

    @strawberry.field(description="How many messages from others I have not read.")
    async def unread_count(self, info: Info) -> int:
        row = await self._inbox(info)
        return row.unread if row else 0

    @strawberry.field(description="The newest message, in short.")
    async def last_message(self, info: Info) -> MessagePreview | None:
        row = await self._inbox(info)
        if row is None or not row.last_message:
            return None
        return MessagePreview(values=row.last_message, conversation_id=self.item.id)

    @strawberry.field(description="When the newest message was sent (or I joined).")
    async def last_activity_at(self, info: Info) -> datetime:
        row = await self._inbox(info)
        if row is None:
            return datetime.fromisoformat(self.item.created_at)
        return datetime.fromtimestamp(message_millis(row.activity) / 1000).astimezone()

    @strawberry.field(description="The group, for a GROUP conversation.")
    async def group(self, info: Info) -> Group | None:
        if not self.item.group_id:
            return None
        row = await info.context.loaders.chat.group_by_id.load(uuid.UUID(self.item.group_id))
        return Group.from_row(row) if row else None

    @strawberry.field(description="Who is in it.")
    async def members(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Person]:
        ids = await info.context.loaders.chat.member_ids_by_conversation.load(self.item.id) or []
        rows = await info.context.loaders.user_by_id.load_many(sorted(ids))
        return list_page(
            [r for r in rows if r],
            kind="cmember",
            first=first,
            after=after,
            node=Person.from_row,
            maximum=info.context.settings.max_page_size,
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return _conversations(info, list(node_ids))


async def _conversations(info: Info, ids: list[str]) -> list[Conversation | None]:
    """Members only: anyone else gets null, as for a missing one."""
    principal = info.context.principal
    if principal is None:
        return [None] * len(ids)
    loaders = info.context.loaders.chat
    items = await asyncio.gather(*(loaders.conversation_for(i, principal.user_id) for i in ids))
    return [Conversation.from_item(i) if i else None for i in items]
