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
from datastore.chat.tables import ChatGroup
from datastore.chat.tables import GroupMember as GroupMemberRow
from resolvers.chat.types.enums import GroupRole, GroupVisibility
from resolvers.core.context import Info
from resolvers.core.ids import node_uuids
from resolvers.core.nodes import Nodes
from resolvers.core.pagination import (
    After,
    Connection,
    First,
    decode_after,
    encode_cursor,
    keyset_page,
    page_limit,
)
from resolvers.people.types import Person

# conversation.py imports this module for `Group`; this side names Conversation lazily.
_CONVERSATION_MODULE = "resolvers.chat.types.conversation"
ConversationRef = Annotated[
    "Conversation",  # type: ignore[name-defined]  # noqa: F821
    strawberry.lazy(_CONVERSATION_MODULE),
]


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
        limit = page_limit(info, first)
        start = decode_after("member", after, pattern=r"[0-9a-f-]{36}", parse=uuid.UUID)
        if await info.context.loaders.chat.membership_by_pair.load((self.row.id, me)) is None:
            # Not a member: no members shown, and no hint of where a cursor would be.
            return keyset_page([], limit, None, node=_member, cursor=_member_cursor)
        groups = info.context.services.chat.groups
        rows = await groups.list_members(self.row.id, after=start, limit=limit + 1)
        return keyset_page(rows, limit, after, node=_member, cursor=_member_cursor)

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
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return _groups(info, node_uuids(node_ids))


def _member(row: GroupMemberRow) -> GroupMember:
    return GroupMember(row=row)


def _member_cursor(row: GroupMemberRow) -> str:
    return encode_cursor("member", row.user_id)


async def _groups(info: Info, ids: list[uuid.UUID | None]) -> list[Group | None]:
    """Members see their groups; anyone signed in sees public ones."""
    principal = info.context.principal
    if principal is None:
        return [None] * len(ids)
    loaders = info.context.loaders.chat

    async def one(group_id: uuid.UUID | None) -> Group | None:
        row = await loaders.group_by_id.load(group_id) if group_id else None
        if row is None:
            return None
        if row.visibility == "PUBLIC":
            return Group.from_row(row)
        member = await loaders.membership_by_pair.load((row.id, principal.user_id))
        return Group.from_row(row) if member else None

    return list(await asyncio.gather(*(one(i) for i in ids)))
