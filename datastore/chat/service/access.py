"""Who may see a conversation: the pair of a DIRECT one, the members of a GROUP one."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from datastore.chat.ids import direct_pair, group_of
from datastore.chat.items import ConversationItem
from datastore.chat.repository.groups import MemberRepository
from datastore.chat.repository.messages import MessageRepository
from datastore.kit.errors import Forbidden, NotFound
from datastore.people.service import PeopleService

if TYPE_CHECKING:
    from datastore.kit.clients import Clients

NOT_FOUND = "No such conversation."
BLOCKED = "You cannot talk with this person."


class Access:
    def __init__(
        self, clients: Clients, messages: MessageRepository, people: PeopleService
    ) -> None:
        self.clients = clients
        self.messages = messages
        self.people = people

    async def conversation_for(
        self, conversation_id: str, user_id: uuid.UUID, *, field: str = "conversationId"
    ) -> ConversationItem:
        """The conversation when `user_id` is a member; NOT_FOUND otherwise, so nothing leaks."""
        if not await self.is_member(conversation_id, user_id):
            raise NotFound(NOT_FOUND, field=field)
        found = await self.messages.conversation(conversation_id)
        if found is None:
            raise NotFound(NOT_FOUND, field=field)
        return found

    async def conversation_with_members(
        self, conversation_id: str, user_id: uuid.UUID, *, field: str = "conversationId"
    ) -> tuple[ConversationItem, list[uuid.UUID]]:
        """The conversation and its members when `user_id` is one; NOT_FOUND otherwise.

        For a sender: the member list both proves access and feeds the fan-out, so the
        membership is read once per send.
        """
        found = await self.messages.conversation(conversation_id)
        members = await self.member_ids(found) if found is not None else []
        if found is None or user_id not in members:
            raise NotFound(NOT_FOUND, field=field)
        return found, members

    async def refuse_blocked(
        self,
        conversation_id: str,
        me: uuid.UUID,
        *,
        message: str = BLOCKED,
        field: str | None = "conversationId",
    ) -> None:
        """FORBIDDEN in a DIRECT conversation where either person blocked the other."""
        if await self.blocked(conversation_id, me):
            raise Forbidden(message, field=field)

    async def blocked(self, conversation_id: str, me: uuid.UUID) -> bool:
        """Whether this is a DIRECT conversation where either person blocked the other."""
        pair = direct_pair(conversation_id)
        if pair is None:
            return False
        other = pair[1] if pair[0] == me else pair[0]
        return await self.people.either_blocked(me, other)

    async def is_member(self, conversation_id: str, user_id: uuid.UUID) -> bool:
        pair = direct_pair(conversation_id)
        if pair is not None:
            return user_id in pair
        group_id = group_of(conversation_id)
        if group_id is None:
            return False
        async with self.clients.db() as db:
            return await MemberRepository(db).get(group_id, user_id) is not None

    async def member_ids(self, conversation: ConversationItem) -> list[uuid.UUID]:
        if conversation.kind == "DIRECT":
            return [uuid.UUID(m) for m in conversation.members]
        async with self.clients.db() as db:
            return await MemberRepository(db).user_ids(uuid.UUID(conversation.group_id or ""))
