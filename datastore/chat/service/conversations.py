"""DIRECT conversations: one per pair, created on first ask."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from datastore.chat.ids import direct_conversation_id, new_message_id
from datastore.chat.items import ConversationItem
from datastore.chat.service.messages import now_iso
from datastore.kit.errors import BadUserInput, Forbidden, NotFound
from datastore.people.repository import PeopleRepository

if TYPE_CHECKING:
    from datastore.chat.service.parts import ChatParts


async def start_direct(chat: ChatParts, me: uuid.UUID, other: uuid.UUID) -> ConversationItem:
    """The conversation of me and `other`: the same one however often it is asked for."""
    if other == me:
        raise BadUserInput("Start a conversation with someone else.", field="userId")
    async with chat.clients.db() as db:
        person = await PeopleRepository(db).get(other)
    if person is None:
        raise NotFound("No such person.", field="userId")
    if await chat.people.either_blocked(me, other):
        raise Forbidden("You cannot message this person.", field="userId")
    conversation = await chat.messages_repository.create_conversation(
        ConversationItem(
            id=direct_conversation_id(me, other),
            kind="DIRECT",
            members=sorted([str(me), str(other)]),
            group_id=None,
            created_at=now_iso(),
        )
    )
    # The id sorts like a message id of this instant, so a new conversation starts on top.
    activity = new_message_id()
    for user_id in (me, other):
        await chat.inbox.ensure(str(user_id), conversation.id, kind="DIRECT", activity=activity)
    return conversation
