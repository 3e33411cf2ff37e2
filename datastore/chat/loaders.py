"""Per-request chat loaders: one SQL statement, BatchGetItem or Query per batch."""

from __future__ import annotations

import uuid

from datastore.chat.ids import direct_pair, group_of
from datastore.chat.items import ConversationItem, InboxItem, MessageItem, ParticipantItem
from datastore.chat.repository.groups import GroupRepository, MemberRepository
from datastore.chat.repository.inbox import InboxRepository
from datastore.chat.repository.media import ChatMediaRepository
from datastore.chat.repository.messages import MessageRepository
from datastore.chat.tables import ChatGroup, ChatMedia, GroupMember
from datastore.kit.clients import Clients
from datastore.kit.loaders import ByKeyLoader, KeyOrderLoader, RowByIdLoader, Sessions

Pair = tuple[uuid.UUID, uuid.UUID]


class GroupByIdLoader(RowByIdLoader[ChatGroup], repository=GroupRepository): ...


class ChatMediaByIdLoader(RowByIdLoader[ChatMedia], repository=ChatMediaRepository): ...


class MembershipByPairLoader(ByKeyLoader[Sessions, Pair, GroupMember]):
    """Keys are (group, user)."""

    async def fetch(self, pairs: list[Pair]) -> dict[Pair, GroupMember]:
        async with self.source() as db:
            return await MemberRepository(db).memberships(pairs)


class MemberCountByGroupLoader(KeyOrderLoader[Sessions, uuid.UUID, int]):
    async def fetch(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        async with self.source() as db:
            return await MemberRepository(db).count_by_group(ids)

    def missing(self, key: uuid.UUID) -> int:
        return 0  # a group without member rows


class MemberIdsByConversationLoader(ByKeyLoader[Sessions, str, list[uuid.UUID]]):
    """A DIRECT conversation's two users come from its id; a group's from its members
    (one statement for every group of the batch)."""

    async def fetch(self, ids: list[str]) -> dict[str, list[uuid.UUID]]:
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
            async with self.source() as db:
                members = await MemberRepository(db).user_ids_by_group(list(groups))
            found.update({groups[g]: users for g, users in members.items()})
        return found


class ConversationByIdLoader(ByKeyLoader[MessageRepository, str, ConversationItem]):
    async def fetch(self, ids: list[str]) -> dict[str, ConversationItem]:
        return await self.source.conversations(ids)


class MessageByKeyLoader(ByKeyLoader[MessageRepository, tuple[str, str], MessageItem]):
    """Keys are (conversation id, message id)."""

    async def fetch(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], MessageItem]:
        return await self.source.messages(keys)


class InboxByKeyLoader(ByKeyLoader[InboxRepository, tuple[str, str], InboxItem]):
    """Keys are (user id, conversation id)."""

    async def fetch(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], InboxItem]:
        return await self.source.get_many(keys)


class ParticipantsByConversationLoader(
    KeyOrderLoader[MessageRepository, str, list[ParticipantItem]]
):
    async def fetch(self, ids: list[str]) -> dict[str, list[ParticipantItem]]:
        # One Query per conversation partition: receipts of a page share one conversation.
        return {i: await self.source.participants(i) for i in ids}


class ChatLoaders:
    def __init__(
        self, clients: Clients, messages: MessageRepository, inbox: InboxRepository
    ) -> None:
        read_db = clients.read_db
        self.group_by_id = GroupByIdLoader(read_db)
        self.media_by_id = ChatMediaByIdLoader(read_db)
        self.membership_by_pair = MembershipByPairLoader(read_db)
        self.member_count_by_group = MemberCountByGroupLoader(read_db)
        self.member_ids_by_conversation = MemberIdsByConversationLoader(read_db)
        self.conversation_by_id = ConversationByIdLoader(messages)
        self.message_by_key = MessageByKeyLoader(messages)
        self.inbox_by_key = InboxByKeyLoader(inbox)
        self.participants_by_conversation = ParticipantsByConversationLoader(messages)

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
