"""Per-request chat loaders: one SQL statement, BatchGetItem or Query per batch."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader

from datastore.chat.ids import direct_pair, group_of
from datastore.chat.items import ConversationItem, InboxItem, MessageItem, ParticipantItem
from datastore.chat.repository.groups import GroupRepository, MemberRepository
from datastore.chat.tables import ChatGroup, GroupMember

if TYPE_CHECKING:
    from datastore.chat.repository.inbox import InboxRepository
    from datastore.chat.repository.messages import MessageRepository
    from datastore.kit.clients import Clients

K = TypeVar("K")
V = TypeVar("V")


def loader(load: Callable[[list[Any]], Any]) -> DataLoader[Any, Any]:
    """A DataLoader whose batch function returns a dict; missing keys load as None."""

    async def load_fn(keys: Sequence[Any]) -> list[Any]:
        found = await load(list(dict.fromkeys(keys)))
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load_fn)


class ChatLoaders:
    def __init__(
        self, clients: Clients, messages: MessageRepository, inbox: InboxRepository
    ) -> None:
        self.clients = clients
        self.messages = messages
        self.inbox = inbox
        self.group_by_id = loader(self._groups)
        self.membership_by_pair = loader(self._memberships)
        self.member_count_by_group = loader(self._member_counts)
        self.member_ids_by_conversation = loader(self._member_ids)
        self.conversation_by_id = loader(self.messages.conversations)
        self.message_by_key = loader(self.messages.messages)
        self.inbox_by_key = loader(self.inbox.get_many)
        self.participants_by_conversation = loader(self._participants)

    async def _groups(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, ChatGroup]:
        async with self.clients.db() as db:
            return {g.id: g for g in await GroupRepository(db).list_by_ids(ids)}

    async def _memberships(
        self, pairs: list[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], GroupMember]:
        async with self.clients.db() as db:
            return await MemberRepository(db).memberships(pairs)

    async def _member_counts(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        async with self.clients.db() as db:
            counts = await MemberRepository(db).count_by_group(ids)
        return {i: counts.get(i, 0) for i in ids}

    async def _member_ids(self, ids: list[str]) -> dict[str, list[uuid.UUID]]:
        found: dict[str, list[uuid.UUID]] = {}
        groups: dict[uuid.UUID, str] = {}
        for conversation_id in ids:
            pair = direct_pair(conversation_id)
            group = group_of(conversation_id)
            if pair is not None:
                found[conversation_id] = list(pair)
            elif group is not None:
                groups[group] = conversation_id
        if groups:
            async with self.clients.db() as db:
                members = await MemberRepository(db).user_ids_by_group(list(groups))
            found.update({groups[g]: users for g, users in members.items()})
        return found

    async def _participants(self, ids: list[str]) -> dict[str, list[ParticipantItem]]:
        # One Query per conversation partition: receipts of a page share one conversation.
        return {i: await self.messages.participants(i) for i in ids}

    async def is_member(self, conversation_id: str, user_id: uuid.UUID) -> bool:
        pair = direct_pair(conversation_id)
        if pair is not None:
            return user_id in pair
        group = group_of(conversation_id)
        if group is None:
            return False
        return await self.membership_by_pair.load((group, user_id)) is not None

    async def conversation_for(
        self, conversation_id: str, user_id: uuid.UUID
    ) -> ConversationItem | None:
        """The conversation if `user_id` is a member, else None."""
        if not await self.is_member(conversation_id, user_id):
            return None
        return await self.conversation_by_id.load(conversation_id)

    async def message_for(self, conversation_id: str, message_id: str) -> MessageItem | None:
        return await self.message_by_key.load((conversation_id, message_id))

    async def inbox_row(self, user_id: uuid.UUID, conversation_id: str) -> InboxItem | None:
        return await self.inbox_by_key.load((str(user_id), conversation_id))
