"""The Group type and its members."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types.lazy_type import LazyType

from datastore.chat.ids import group_conversation_id
from datastore.chat.repository.groups import MemberRepository
from datastore.chat.tables import ChatGroup
from datastore.chat.tables import GroupMember as GroupMemberRow
from resolvers.chat.types.enums import GroupRole, GroupVisibility
from resolvers.core.context import Context
from resolvers.core.pagination import (
    After,
    Connection,
    First,
    decode_cursor,
    encode_cursor,
    page_size,
)
from resolvers.people.types import Person

Info = strawberry.Info[Context, None]
# conversation.py imports this module for `Group`; this side names Conversation lazily.
_CONVERSATION_MODULE = "resolvers.chat.types.conversation"
ConversationRef = Annotated["Conversation", strawberry.lazy(_CONVERSATION_MODULE)]  # noqa: F821


@strawberry.type(description="A member of a group and their role.")
class GroupMember:
    row: strawberry.Private[GroupMemberRow]

    @strawberry.field(description="Their role.")
    def role(self) -> GroupRole:
        return GroupRole(self.row.role)

    @strawberry.field(description="When they joined.")
    def joined_at(self) -> datetime:
        return self.row.joined_at

    @strawberry.field(description="The member.")
    async def person(self, info: Info) -> Person | None:
        row = await info.context.loaders.user_by_id.load(self.row.user_id)
        return Person.from_row(row) if row else None


@strawberry.type(description="A group of people with roles and one GROUP conversation.")
class Group(relay.Node):
    id: relay.NodeID[str]
    row: strawberry.Private[ChatGroup]

    @classmethod
    def from_row(cls, row: ChatGroup) -> Group:
        return cls(id=str(row.id), row=row)

    @strawberry.field(description="Name, 1-100 characters.")
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="What the group is about.")
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field(description="http(s) URL of the group's picture.")
    def avatar_url(self) -> str | None:
        return self.row.avatar_url

    @strawberry.field(description="PUBLIC groups can be found and joined by anyone.")
    def visibility(self) -> GroupVisibility:
        return GroupVisibility(self.row.visibility)

    @strawberry.field(description="When it was created.")
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field(description="My role; null when I am not a member.")
    async def my_role(self, info: Info) -> GroupRole | None:
        me = info.context.require_principal().user_id
        member = await info.context.loaders.chat.membership_by_pair.load((self.row.id, me))
        return GroupRole(member.role) if member else None

    @strawberry.field(description="How many members it has.")
    async def member_count(self, info: Info) -> int:
        return await info.context.loaders.chat.member_count_by_group.load(self.row.id)

    @strawberry.field(description="Its members, for members only (empty otherwise).")
    async def members(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[GroupMember]:
        me = info.context.require_principal().user_id
        limit = page_size(first, maximum=info.context.settings.max_page_size)
        start = (
            None
            if after is None
            else uuid.UUID(decode_cursor("member", after, pattern=r"[0-9a-f-]{36}"))
        )
        if await info.context.loaders.chat.membership_by_pair.load((self.row.id, me)) is None:
            return Connection.build(
                [], node=GroupMember, cursor=str, has_next=False, has_previous=False
            )
        async with info.context.services.clients.db() as db:
            rows = await MemberRepository(db).page(self.row.id, after=start, limit=limit + 1)
        return Connection.build(
            rows[:limit],
            node=lambda row: GroupMember(row=row),
            cursor=lambda row: encode_cursor("member", row.user_id),
            has_next=len(rows) > limit,
            has_previous=after is not None,
        )

    @strawberry.field(description="The group's conversation; null when I am not a member.")
    async def conversation(self, info: Info) -> ConversationRef | None:
        me = info.context.require_principal().user_id
        item = await info.context.loaders.chat.conversation_for(
            group_conversation_id(self.row.id), me
        )
        if item is None:
            return None
        conversation = LazyType("Conversation", _CONVERSATION_MODULE).resolve_type()
        return conversation.from_item(item)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Group | None]:
        """Members see their groups; anyone signed in sees public ones."""
        principal = info.context.principal
        ids = [_uuid(i) for i in node_ids]
        if principal is None:
            return [None] * len(ids)
        loaders = info.context.loaders.chat

        async def one(group_id: uuid.UUID | None) -> Group | None:
            row = await loaders.group_by_id.load(group_id) if group_id else None
            if row is None:
                return None
            if row.visibility == "PUBLIC":
                return cls.from_row(row)
            member = await loaders.membership_by_pair.load((row.id, principal.user_id))
            return cls.from_row(row) if member else None

        return list(await asyncio.gather(*(one(i) for i in ids)))


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
