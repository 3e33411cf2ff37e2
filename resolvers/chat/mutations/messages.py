"""Mutations on conversations and messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry
from strawberry import relay

from datastore.chat.validation import MediaInput as Media
from datastore.kit.errors import NotFound
from resolvers.chat.ids import conversation_argument, message_argument
from resolvers.chat.inputs import MediaInput, SendMessageInput
from resolvers.chat.types.conversation import Conversation
from resolvers.chat.types.enums import ReactionKind
from resolvers.chat.types.events import ReactionPayload
from resolvers.chat.types.message import Message
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid
from resolvers.core.permissions import IsAuthenticated
from resolvers.people.types import person_id_argument

ConversationId = Annotated[relay.GlobalID, strawberry.argument(description="The conversation.")]
MessageId = Annotated[relay.GlobalID, strawberry.argument(description="The message.")]
UpTo = Annotated[
    relay.GlobalID, strawberry.argument(description="The newest message covered (inclusive).")
]


@strawberry.type
class MessageMutations:
    @strawberry.mutation(
        description="My DIRECT conversation with someone: created on first ask, the same "
        "one after. FORBIDDEN when either of us blocked the other.",
        permission_classes=[IsAuthenticated],
    )
    async def start_direct_conversation(
        self,
        info: Info,
        user_id: Annotated[relay.GlobalID, strawberry.argument(description="The other person.")],
    ) -> Conversation:
        me = info.context.require_principal().user_id
        item = await info.context.services.chat.start_direct(me, person_id_argument(user_id))
        return Conversation.from_item(item)

    @strawberry.mutation(
        description="Send a message: stored durably, then delivered live. Retrying with the "
        "same clientId returns the first message. Rate limited (RATE_LIMITED).",
        permission_classes=[IsAuthenticated],
    )
    async def send_message(
        self,
        info: Info,
        input: Annotated[SendMessageInput, strawberry.argument(description="The message.")],
    ) -> Message:
        me = info.context.require_principal().user_id
        conversation_id = conversation_argument(input.conversation_id)
        reply_to = None
        if input.reply_to_id is not None:
            replied_conversation, reply_to = message_argument(input.reply_to_id, field="replyToId")
            if replied_conversation != conversation_id:
                raise NotFound("No such message in this conversation.", field="replyToId")
        item = await info.context.services.chat.messages.send(
            me,
            conversation_id,
            kind=input.kind.value,
            body=input.body,
            client_id=input.client_id,
            reply_to=reply_to,
            media=_media(input.media),
        )
        return Message.from_item(item)

    @strawberry.mutation(
        description="Change the body of my message; the old body goes to its edit history.",
        permission_classes=[IsAuthenticated],
    )
    async def edit_message(
        self,
        info: Info,
        id: MessageId,
        body: Annotated[str, strawberry.argument(description="The new body.")],
    ) -> Message:
        me = info.context.require_principal().user_id
        conversation_id, message_id = message_argument(id)
        item = await info.context.services.chat.messages.edit(me, conversation_id, message_id, body)
        return Message.from_item(item)

    @strawberry.mutation(
        description="Delete my message: it stays in place as a tombstone without content.",
        permission_classes=[IsAuthenticated],
    )
    async def delete_message(self, info: Info, id: MessageId) -> Message:
        me = info.context.require_principal().user_id
        conversation_id, message_id = message_argument(id)
        return Message.from_item(
            await info.context.services.chat.messages.delete(me, conversation_id, message_id)
        )

    @strawberry.mutation(
        description="Add my reaction of this kind to a message, or take it back if I had it.",
        permission_classes=[IsAuthenticated],
    )
    async def toggle_reaction(
        self,
        info: Info,
        message_id: MessageId,
        reaction: Annotated[ReactionKind, strawberry.argument(description="The reaction.")],
    ) -> ReactionPayload:
        me = info.context.require_principal().user_id
        conversation_id, raw_id = message_argument(message_id, field="messageId")
        item, added = await info.context.services.chat.messages.toggle_reaction(
            me, conversation_id, raw_id, reaction.value
        )
        return ReactionPayload(message=Message.from_item(item), added=added)

    @strawberry.mutation(
        description="I have read everything up to `upTo`: my unread count drops and the "
        "others get a READ receipt.",
        permission_classes=[IsAuthenticated],
    )
    async def mark_read(
        self, info: Info, conversation_id: ConversationId, up_to: UpTo
    ) -> Conversation:
        return await _mark(info, conversation_id, up_to, "READ")

    @strawberry.mutation(
        description="I have received everything up to `upTo` (a DELIVERED receipt).",
        permission_classes=[IsAuthenticated],
    )
    async def mark_delivered(
        self, info: Info, conversation_id: ConversationId, up_to: UpTo
    ) -> Conversation:
        return await _mark(info, conversation_id, up_to, "DELIVERED")

    @strawberry.mutation(
        description="Tell the conversation I am typing (or stopped). Never stored; the "
        "signal expires after a few seconds. Returns when it expires.",
        permission_classes=[IsAuthenticated],
    )
    async def set_typing(
        self,
        info: Info,
        conversation_id: ConversationId,
        typing: Annotated[bool, strawberry.argument(description="Started or stopped.")] = True,
    ) -> datetime:
        me = info.context.require_principal().user_id
        expires = await info.context.services.chat.messages.typing(
            me, conversation_argument(conversation_id), typing
        )
        return datetime.fromtimestamp(expires, UTC)


def _media(media: MediaInput | None) -> Media | None:
    if media is None:
        return None
    media_id = None
    if media.media_id is not None:
        media_id = argument_uuid(media.media_id, "ChatMedia", field="media.mediaId")
    return Media(media_id=media_id, legacy_fields=media.legacy_fields())


async def _mark(
    info: Info, conversation_id: relay.GlobalID, up_to: relay.GlobalID, state: str
) -> Conversation:
    me = info.context.require_principal().user_id
    conversation = conversation_argument(conversation_id)
    in_conversation, message_id = message_argument(up_to, field="upTo")
    if in_conversation != conversation:
        raise NotFound("No such message in this conversation.", field="upTo")
    item, row = await info.context.services.chat.messages.mark(
        me, conversation, message_id, state=state
    )
    if row is not None:
        info.context.loaders.chat.inbox_by_key.prime((str(me), conversation), row)
    return Conversation.from_item(item)
