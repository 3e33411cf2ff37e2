"""Mutations on groups: life cycle, members and roles."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated

import strawberry
from strawberry import relay

from datastore.chat.service.groups import group_details
from datastore.chat.tables import ChatGroup
from resolvers.chat.ids import group_argument
from resolvers.chat.inputs import CreateGroupInput, UpdateGroupInput
from resolvers.chat.types.group import Group
from resolvers.core.context import Info
from resolvers.core.permissions import IsAuthenticated
from resolvers.people.types import person_id_argument

GroupId = Annotated[relay.GlobalID, strawberry.argument(description="The group.")]
PersonId = Annotated[relay.GlobalID, strawberry.argument(description="The person.")]

MemberAction = Callable[[uuid.UUID, uuid.UUID, uuid.UUID], Awaitable[ChatGroup]]


async def _on_member(
    info: Info, group_id: relay.GlobalID, user_id: relay.GlobalID, action: MemberAction
) -> Group:
    """`action(me, group, member)` of the group service, and the group as it is after."""
    me = info.context.require_principal().user_id
    group = group_argument(group_id)
    other = person_id_argument(user_id)
    return Group.from_row(await action(me, group, other))


def _set_role(info: Info, role: str) -> MemberAction:
    return partial(info.context.services.chat.groups.set_role, role=role)


@strawberry.type
class GroupMutations:
    @strawberry.mutation(
        description="Create a group with its conversation; I am its owner. Members given "
        "must be my friends.",
        permission_classes=[IsAuthenticated],
    )
    async def create_group(
        self,
        info: Info,
        input: Annotated[CreateGroupInput, strawberry.argument(description="The group.")],
    ) -> Group:
        me = info.context.require_principal().user_id
        details = group_details(
            input.name,
            input.description,
            input.avatar_url,
            input.visibility.value,
            given={"name", "description", "avatar_url", "visibility"},
        )
        members = [person_id_argument(m, field="memberIds") for m in input.member_ids]
        return Group.from_row(await info.context.services.chat.groups.create(me, details, members))

    @strawberry.mutation(
        description="Change a group's name, description, avatar or visibility (owner, admins).",
        permission_classes=[IsAuthenticated],
    )
    async def update_group(
        self,
        info: Info,
        input: Annotated[UpdateGroupInput, strawberry.argument(description="Changes.")],
    ) -> Group:
        me = info.context.require_principal().user_id
        given = {
            name
            for name in ("name", "description", "avatar_url", "visibility")
            if getattr(input, name) is not strawberry.UNSET
        }
        visibility = input.visibility.value if input.visibility else input.visibility
        details = group_details(
            input.name, input.description, input.avatar_url, visibility, given=given
        )
        return Group.from_row(
            await info.context.services.chat.groups.update(
                me, group_argument(input.group_id), details
            )
        )

    @strawberry.mutation(
        description="Invite someone (owner, admins); they are notified and may join.",
        permission_classes=[IsAuthenticated],
    )
    async def invite_to_group(self, info: Info, group_id: GroupId, user_id: PersonId) -> Group:
        return await _on_member(info, group_id, user_id, info.context.services.chat.groups.invite)

    @strawberry.mutation(
        description="Join a public group, or a private one I was invited to.",
        permission_classes=[IsAuthenticated],
    )
    async def join_group(self, info: Info, group_id: GroupId) -> Group:
        me = info.context.require_principal().user_id
        return Group.from_row(
            await info.context.services.chat.groups.join(me, group_argument(group_id))
        )

    @strawberry.mutation(
        description="Add one of my friends directly (owner, admins).",
        permission_classes=[IsAuthenticated],
    )
    async def add_group_member(self, info: Info, group_id: GroupId, user_id: PersonId) -> Group:
        return await _on_member(info, group_id, user_id, info.context.services.chat.groups.add)

    @strawberry.mutation(
        description="Remove a member of a lower role; their live subscriptions to the group end.",
        permission_classes=[IsAuthenticated],
    )
    async def remove_group_member(self, info: Info, group_id: GroupId, user_id: PersonId) -> Group:
        return await _on_member(info, group_id, user_id, info.context.services.chat.groups.remove)

    @strawberry.mutation(
        description="Leave a group. The owner must transfer ownership first (CONFLICT).",
        permission_classes=[IsAuthenticated],
    )
    async def leave_group(self, info: Info, group_id: GroupId) -> Group:
        me = info.context.require_principal().user_id
        return Group.from_row(
            await info.context.services.chat.groups.leave(me, group_argument(group_id))
        )

    @strawberry.mutation(
        description="Make a member an admin (owner only).", permission_classes=[IsAuthenticated]
    )
    async def promote_group_member(self, info: Info, group_id: GroupId, user_id: PersonId) -> Group:
        return await _on_member(info, group_id, user_id, _set_role(info, "ADMIN"))

    @strawberry.mutation(
        description="Make an admin a member (owner only).", permission_classes=[IsAuthenticated]
    )
    async def demote_group_member(self, info: Info, group_id: GroupId, user_id: PersonId) -> Group:
        return await _on_member(info, group_id, user_id, _set_role(info, "MEMBER"))

    @strawberry.mutation(
        description="Hand the group to another member; I become an admin (owner only).",
        permission_classes=[IsAuthenticated],
    )
    async def transfer_group_ownership(
        self, info: Info, group_id: GroupId, user_id: PersonId
    ) -> Group:
        return await _on_member(info, group_id, user_id, _set_role(info, "OWNER"))
