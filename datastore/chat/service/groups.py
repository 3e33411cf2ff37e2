"""Groups: create, describe, roles, invites, joins and removals, each with its conversation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.accounts import validation
from datastore.chat.ids import group_conversation_id, new_message_id
from datastore.chat.items import ConversationItem
from datastore.chat.live import publish_conversation, publish_inbox
from datastore.chat.repository.groups import GroupRepository, InviteRepository, MemberRepository
from datastore.chat.service.fanout import today
from datastore.chat.service.messages import now_iso
from datastore.chat.tables import VISIBILITIES, ChatGroup, GroupMember
from datastore.kit.errors import BadUserInput, Conflict, Forbidden, NotFound
from datastore.people.repository import ActivityRepository, FriendshipRepository, PeopleRepository

if TYPE_CHECKING:
    from datastore.chat.service.messages import MessageService
    from datastore.chat.service.parts import ChatParts

RANK = {"MEMBER": 0, "ADMIN": 1, "OWNER": 2}
MAX_INITIAL_MEMBERS = 100
MAX_SEARCH = 100  # characters of a public group search


def group_details(
    name: Any = None,
    description: Any = None,
    avatar_url: Any = None,
    visibility: Any = None,
    *,
    given: set[str],
) -> dict[str, Any]:
    """Validated group fields among `given`."""
    values: dict[str, Any] = {}
    if "name" in given:
        values["name"] = validation.text(name, field="name", max_length=100)
        if not values["name"]:
            raise BadUserInput("A group needs a name.", field="name")
    if "description" in given:
        values["description"] = validation.text(description, field="description", max_length=2000)
    if "avatar_url" in given:
        values["avatar_url"] = validation.http_url(avatar_url, field="avatarUrl")
    if "visibility" in given:
        if visibility not in VISIBILITIES:
            raise BadUserInput("Unknown visibility.", field="visibility")
        values["visibility"] = visibility
    return values


class GroupService:
    def __init__(self, chat: ChatParts, messages: MessageService) -> None:
        self.chat = chat
        self.clients = chat.clients
        self.messages = messages

    async def joined(
        self, me: uuid.UUID, *, after: uuid.UUID | None, limit: int
    ) -> list[ChatGroup]:
        """The groups I am a member of, by id."""
        async with self.clients.db() as db:
            return await GroupRepository(db).page_for_member(me, after=after, limit=limit)

    async def search_public(
        self, query: str, *, after: tuple[str, uuid.UUID] | None, limit: int
    ) -> list[ChatGroup]:
        """Public groups whose name starts with `query` (trimmed), by lower-case name then id."""
        if len(query) > MAX_SEARCH:
            raise BadUserInput(f"At most {MAX_SEARCH} characters.", field="query")
        async with self.clients.db() as db:
            return await GroupRepository(db).search_public(query.strip(), after=after, limit=limit)

    async def list_members(
        self, group_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
    ) -> list[GroupMember]:
        """A group's members by user id (the caller checked that I am one)."""
        async with self.clients.db() as db:
            return await MemberRepository(db).page(group_id, after=after, limit=limit)

    async def create(
        self, me: uuid.UUID, details: dict[str, Any], member_ids: Sequence[uuid.UUID]
    ) -> ChatGroup:
        others = list(dict.fromkeys(m for m in member_ids if m != me))
        if len(others) > MAX_INITIAL_MEMBERS:
            raise BadUserInput(f"At most {MAX_INITIAL_MEMBERS} members at once.", field="memberIds")
        async with self.clients.db() as db, db.begin():
            await self._require_friends(db, me, others, field="memberIds")
            group = await GroupRepository(db).create(created_by=me, **details)
            members, activities = MemberRepository(db), ActivityRepository(db)
            await members.add(group.id, me, "OWNER")
            await activities.record(me, "GROUP_CREATED", {"groupId": str(group.id)})
            for other in others:
                await members.add(group.id, other, "MEMBER")
                await activities.record(other, "GROUP_JOINED", {"groupId": str(group.id)})
        conversation = await self.chat.messages_repository.create_conversation(
            ConversationItem(
                id=group_conversation_id(group.id),
                kind="GROUP",
                members=[],
                group_id=str(group.id),
                created_at=now_iso(),
            )
        )
        await self._joined(conversation, [me, *others])
        await self.messages.post_system(conversation, me, f"created the group {group.name}")
        return group

    async def update(
        self, me: uuid.UUID, group_id: uuid.UUID, details: dict[str, Any]
    ) -> ChatGroup:
        async with self.clients.db() as db, db.begin():
            group, _ = await self._acting(db, me, group_id, at_least="ADMIN")
            if not details:
                return group
            return await GroupRepository(db).update_fields(group_id, **details)

    async def invite(self, me: uuid.UUID, group_id: uuid.UUID, user_id: uuid.UUID) -> ChatGroup:
        async with self.clients.db() as db, db.begin():
            group, _ = await self._acting(db, me, group_id, at_least="ADMIN")
            await self._require_person(db, me, user_id)
            if await MemberRepository(db).get(group_id, user_id):
                raise Conflict("This person is already a member.", field="userId")
            created = await InviteRepository(db).create(group_id, user_id, me)
            inviter = await PeopleRepository(db).get(me)
        if created:
            name = inviter.display_name or inviter.username if inviter else "Someone"
            await self.chat.notifications.notify(
                user_id,
                "GROUP_INVITE",
                title=f"{name} invited you to {group.name}",
                data={"groupId": _group_global_id(group_id)},
                dedupe_key=f"group-invite:{group_id}:{user_id}:{new_message_id()[:10]}",
            )
        return group

    async def join(self, me: uuid.UUID, group_id: uuid.UUID) -> ChatGroup:
        """Join a public group, or a private one I was invited to."""
        async with self.clients.db() as db, db.begin():
            group = await GroupRepository(db).get(group_id)
            invited = group is not None and await InviteRepository(db).take(group_id, me)
            if group is None or (group.visibility != "PUBLIC" and not invited):
                raise NotFound("No such group.", field="groupId")
            if not await MemberRepository(db).add(group_id, me, "MEMBER"):
                raise Conflict("You are already a member.", field="groupId")
            await ActivityRepository(db).record(me, "GROUP_JOINED", {"groupId": str(group_id)})
        await self._after_join(group, me, me, "joined")
        return group

    async def add(self, me: uuid.UUID, group_id: uuid.UUID, user_id: uuid.UUID) -> ChatGroup:
        """An admin adds one of their friends directly."""
        async with self.clients.db() as db, db.begin():
            group, _ = await self._acting(db, me, group_id, at_least="ADMIN")
            await self._require_friends(db, me, [user_id], field="userId")
            if not await MemberRepository(db).add(group_id, user_id, "MEMBER"):
                raise Conflict("This person is already a member.", field="userId")
            await InviteRepository(db).take(group_id, user_id)
            await ActivityRepository(db).record(user_id, "GROUP_JOINED", {"groupId": str(group_id)})
        await self._after_join(group, user_id, me, "was added")
        return group

    async def remove(self, me: uuid.UUID, group_id: uuid.UUID, user_id: uuid.UUID) -> ChatGroup:
        """Remove a member of a lower role; their live subscriptions to the group end."""
        if user_id == me:
            raise BadUserInput("Use leaveGroup to leave.", field="userId")
        async with self.clients.db() as db, db.begin():
            group, mine = await self._acting(db, me, group_id, at_least="ADMIN")
            target = await self._member(db, group_id, user_id)
            if RANK[target.role] >= RANK[mine.role]:
                raise Forbidden("You can only remove members below your role.", field="userId")
            await MemberRepository(db).remove(group_id, user_id)
        await self._after_leave(group, user_id, me, "was removed")
        return group

    async def leave(self, me: uuid.UUID, group_id: uuid.UUID) -> ChatGroup:
        async with self.clients.db() as db, db.begin():
            group, mine = await self._acting(db, me, group_id, at_least="MEMBER")
            if mine.role == "OWNER":
                raise Conflict("The owner cannot leave; transfer ownership first.", field="groupId")
            await MemberRepository(db).remove(group_id, me)
        await self._after_leave(group, me, me, "left")
        return group

    async def set_role(
        self, me: uuid.UUID, group_id: uuid.UUID, user_id: uuid.UUID, *, role: str
    ) -> ChatGroup:
        """Promote (to ADMIN), demote (to MEMBER) or hand over ownership (OWNER)."""
        if user_id == me:
            raise BadUserInput("Choose another member.", field="userId")
        async with self.clients.db() as db, db.begin():
            group, _ = await self._acting(db, me, group_id, at_least="OWNER")
            target = await self._member(db, group_id, user_id)
            expected = {"ADMIN": "MEMBER", "MEMBER": "ADMIN"}.get(role)
            if expected and target.role != expected:
                raise Conflict(f"This person is not a {expected.lower()}.", field="userId")
            members = MemberRepository(db)
            await members.set_role(group_id, user_id, role)
            if role == "OWNER":
                await members.set_role(group_id, me, "ADMIN")
        return group

    # -- helpers -------------------------------------------------------------------------

    async def _acting(
        self, db: AsyncSession, me: uuid.UUID, group_id: uuid.UUID, *, at_least: str
    ) -> tuple[ChatGroup, GroupMember]:
        """The group locked and my membership, if my role is high enough."""
        group = await GroupRepository(db).get(group_id, for_update=True)
        mine = await MemberRepository(db).get(group_id, me) if group else None
        if group is None or mine is None:
            # A public group's existence is no secret; a private one's is.
            if group is not None and group.visibility == "PUBLIC":
                raise Forbidden("You are not a member of this group.", field="groupId")
            raise NotFound("No such group.", field="groupId")
        if RANK[mine.role] < RANK[at_least]:
            raise Forbidden(f"Only the {at_least.lower()} can do this.", field="groupId")
        return group, mine

    async def _member(
        self, db: AsyncSession, group_id: uuid.UUID, user_id: uuid.UUID
    ) -> GroupMember:
        target = await MemberRepository(db).get(group_id, user_id, for_update=True)
        if target is None:
            raise NotFound("This person is not a member.", field="userId")
        return target

    async def _require_person(self, db: AsyncSession, me: uuid.UUID, user_id: uuid.UUID) -> None:
        if await PeopleRepository(db).get(user_id) is None:
            raise NotFound("No such person.", field="userId")
        relation = (await FriendshipRepository(db).relations(me, [user_id]))[user_id]
        if relation.blocked_by_viewer or relation.blocked_viewer:
            raise Forbidden("You cannot invite this person.", field="userId")

    async def _require_friends(
        self, db: AsyncSession, me: uuid.UUID, others: list[uuid.UUID], *, field: str
    ) -> None:
        relations = await FriendshipRepository(db).relations(me, others) if others else {}
        if any(not r.friends or r.blocked_viewer for r in relations.values()):
            raise BadUserInput("You can only add your friends.", field=field)

    async def _joined(self, conversation: ConversationItem, users: list[uuid.UUID]) -> None:
        activity, day = new_message_id(), today()
        for user_id in users:
            await self.chat.inbox.ensure(
                str(user_id), conversation.id, kind="GROUP", activity=activity
            )
            await self.chat.statistics.add(str(user_id), day, groups_joined=1)
            await publish_inbox(self.clients.broker, user_id, conversation.id, "JOINED")

    async def _after_join(
        self, group: ChatGroup, user_id: uuid.UUID, actor: uuid.UUID, verb: str
    ) -> None:
        conversation = await self._conversation(group)
        await self._joined(conversation, [user_id])
        await self.messages.post_system(conversation, actor, f"{await self._name(user_id)} {verb}")

    async def _after_leave(
        self, group: ChatGroup, user_id: uuid.UUID, actor: uuid.UUID, verb: str
    ) -> None:
        conversation = await self._conversation(group)
        await self.chat.inbox.remove(str(user_id), conversation.id)
        # Ends the removed member's open subscriptions to this conversation.
        await publish_conversation(
            self.clients.broker,
            conversation.id,
            {"type": "MEMBER_REMOVED", "userId": str(user_id)},
        )
        await publish_inbox(self.clients.broker, user_id, conversation.id, "LEFT")
        await self.messages.post_system(conversation, actor, f"{await self._name(user_id)} {verb}")

    async def _conversation(self, group: ChatGroup) -> ConversationItem:
        conversation_id = group_conversation_id(group.id)
        found = await self.chat.messages_repository.conversations([conversation_id])
        return found[conversation_id]

    async def _name(self, user_id: uuid.UUID) -> str:
        async with self.clients.db() as db:
            user = await PeopleRepository(db).get(user_id)
        return (user.display_name or user.username) if user else "Someone"


def _group_global_id(group_id: uuid.UUID) -> str:
    from strawberry.relay import to_base64

    return to_base64("Group", str(group_id))
