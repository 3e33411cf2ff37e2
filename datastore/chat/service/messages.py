"""Messages: send (idempotent by client id), edit, delete, react, receipts, typing."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from datastore.chat import validation
from datastore.chat.ids import new_message_id
from datastore.chat.items import REACTIONS, ConversationItem, InboxItem, MessageItem
from datastore.chat.live import publish_conversation, publish_inbox
from datastore.chat.validation import MediaInput
from datastore.kit.errors import BadUserInput, Conflict, Forbidden, NotFound

if TYPE_CHECKING:
    from datastore.chat.service.fanout import Fanout
    from datastore.chat.service.media import ChatMediaService
    from datastore.chat.service.parts import ChatParts


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


CANNOT_MESSAGE = "You cannot message this person."


class MessageService:
    def __init__(self, chat: ChatParts, fanout: Fanout, media: ChatMediaService) -> None:
        self.chat = chat
        self.clients = chat.clients
        self.fanout = fanout
        self.media = media
        self.repository = chat.messages_repository

    async def send(
        self,
        me: uuid.UUID,
        conversation_id: str,
        *,
        kind: str,
        body: str | None,
        client_id: str,
        reply_to: str | None = None,
        media: MediaInput | None = None,
    ) -> MessageItem:
        """Store a message durably, then publish it; a retried client id returns the first.

        A retry also finishes the first attempt's fan-out if that one died before it did.
        Media is an upload of mine (`media.media_id`): bound to this message before it is
        stored, so an error leaves nothing sent.
        """
        settings = self.chat.settings
        client_id = validation.client_id(client_id)
        text = validation.body(kind, body, max_body=settings.max_body, has_media=media is not None)
        media_id = validation.media(kind, media)
        conversation, members = await self.chat.access.conversation_with_members(
            conversation_id, me
        )
        if reply_to is not None:
            await self._require_message(conversation_id, reply_to, field="replyToId")
        await self.chat.access.refuse_blocked(conversation.id, me, message=CANNOT_MESSAGE)
        await self.clients.limiter.check(
            f"chat:send:{me}",
            limit=settings.send_limit,
            window=settings.send_window_seconds,
            what="messages",
        )
        media_values = None
        if media_id is not None:
            media_values = await self.media.reserve(
                me, media_id, kind=kind, conversation_id=conversation_id, client_id=client_id
            )
        message = MessageItem(
            conversation_id=conversation_id,
            id=new_message_id(),
            sender_id=str(me),
            kind=kind,
            body=text,
            client_id=client_id,
            created_at=now_iso(),
            reply_to=reply_to,
            media=media_values,
        )
        stored, created = await self.repository.create_message(message)
        await self.media.sent(stored)
        if created:
            await self.fanout.message_added(conversation, stored, members=members)
        else:
            await self.fanout.resume(conversation, stored, members=members)
        return stored

    async def post_system(
        self, conversation: ConversationItem, actor: uuid.UUID, text: str
    ) -> None:
        """A SYSTEM line in the history (joins, leaves), sent on behalf of `actor`."""
        message = MessageItem(
            conversation_id=conversation.id,
            id=new_message_id(),
            sender_id=str(actor),
            kind="SYSTEM",
            body=text,
            client_id=f"system-{uuid.uuid4().hex}",
            created_at=now_iso(),
        )
        stored, _ = await self.repository.create_message(message)
        await self.fanout.message_added(conversation, stored)

    async def _require_message(self, conversation_id: str, message_id: str, *, field: str):
        validation.message_id(message_id, field=field)
        found = await self.repository.messages([(conversation_id, message_id)])
        message = found.get((conversation_id, message_id))
        if message is None:
            raise NotFound("No such message in this conversation.", field=field)
        return message

    async def edit(
        self, me: uuid.UUID, conversation_id: str, message_id: str, body: str
    ) -> MessageItem:
        """Replace the body, keeping the previous one in the edit history."""
        conversation = await self.chat.access.conversation_for(conversation_id, me, field="id")
        message = await self._own_message(conversation_id, message_id, me, verb="edit")
        text = validation.body(
            message.kind,
            body,
            max_body=self.chat.settings.max_body,
            has_media=message.media is not None,
        )
        if text is None:
            raise BadUserInput("This message needs a body.", field="body")
        previous = {"body": message.body, "edited_at": now_iso()}
        updated = await self.repository.update_message(
            message,
            update="SET #b = :new, edited_at = :t, "
            "edits = list_append(if_not_exists(edits, :empty), :old)",
            condition="attribute_not_exists(deleted_at) AND "
            + ("#b = :was" if message.body is not None else "attribute_not_exists(#b)"),
            values={
                ":new": text,
                ":t": previous["edited_at"],
                ":empty": [],
                ":old": [previous],
                **({":was": message.body} if message.body is not None else {}),
            },
        )
        if updated is None:
            raise Conflict("The message changed meanwhile; reload it and try again.", field="id")
        await self.fanout.message_changed(conversation, updated, "MESSAGE_EDITED")
        return updated

    async def delete(self, me: uuid.UUID, conversation_id: str, message_id: str) -> MessageItem:
        """Leave a tombstone in place of the message; deleting twice changes nothing."""
        conversation = await self.chat.access.conversation_for(conversation_id, me, field="id")
        message = await self._own_message(conversation_id, message_id, me, verb="delete")
        if message.deleted_at:
            return message
        updated = await self.repository.update_message(
            message,
            update="SET deleted_at = :t REMOVE #b, media, edits",
            condition="attribute_not_exists(deleted_at)",
            values={":t": now_iso()},
        )
        if updated is None:
            return await self._require_message(conversation_id, message_id, field="id")
        if message.media:
            await self.media.forget(conversation_id, message_id)
        await self.fanout.message_changed(conversation, updated, "MESSAGE_DELETED")
        return updated

    async def _own_message(
        self, conversation_id: str, message_id: str, me: uuid.UUID, *, verb: str
    ) -> MessageItem:
        message = await self._require_message(conversation_id, message_id, field="id")
        if message.sender_id != str(me) or message.kind == "SYSTEM":
            raise Forbidden(f"Only the sender can {verb} this message.", field="id")
        if message.deleted_at and verb == "edit":
            raise Conflict("This message was deleted.", field="id")
        return message

    async def toggle_reaction(
        self, me: uuid.UUID, conversation_id: str, message_id: str, reaction: str
    ) -> tuple[MessageItem, bool]:
        """Add my reaction of this kind, or take it back; the message and whether it was added."""
        if reaction not in REACTIONS:
            raise BadUserInput("Unknown reaction.", field="reaction")
        conversation = await self.chat.access.conversation_for(conversation_id, me, field="id")
        message = await self._require_message(conversation_id, message_id, field="id")
        if message.deleted_at:
            raise Conflict("This message was deleted.", field="id")
        attribute, values = f"rx_{reaction}", {":u": {str(me)}, ":me": str(me)}
        added = True
        updated = await self.repository.update_message(
            message,
            update=f"ADD {attribute} :u",
            condition=f"NOT contains({attribute}, :me) AND attribute_not_exists(deleted_at)",
            values=values,
        )
        if updated is None:
            added = False
            updated = await self.repository.update_message(
                message,
                update=f"DELETE {attribute} :u",
                condition=f"contains({attribute}, :me)",
                values=values,
            )
        if updated is None:
            raise Conflict("The message changed meanwhile; try again.", field="id")
        await self.fanout.message_changed(
            conversation,
            updated,
            "REACTION",
            {"userId": str(me), "reaction": reaction, "added": added},
        )
        return updated, added

    async def mark(
        self, me: uuid.UUID, conversation_id: str, up_to: str, *, state: str
    ) -> tuple[ConversationItem, InboxItem | None]:
        """Move my READ (or DELIVERED) position to `up_to`; READ also recounts my unread.

        The conversation (already read for the access check) and my inbox row after it.
        """
        conversation = await self.chat.access.conversation_for(conversation_id, me)
        await self._require_message(conversation_id, up_to, field="upTo")
        at, user_id = now_iso(), str(me)
        fields = ("delivered", "read") if state == "READ" else ("delivered",)
        advanced = [
            f
            for f in fields
            if await self.repository.advance(conversation_id, user_id, field=f, upto=up_to, at=at)
        ]
        if state == "READ":
            unread = await self.repository.count_from_others_after(conversation_id, user_id, up_to)
            await self.chat.inbox.set_unread(user_id, conversation_id, unread)
            await publish_inbox(self.clients.broker, me, conversation_id, "READ")
        if advanced:
            await publish_conversation(
                self.clients.broker,
                conversation_id,
                {"type": "RECEIPT", "userId": user_id, "state": state, "upTo": up_to},
            )
        found = await self.chat.inbox.get_many([(user_id, conversation_id)])
        return conversation, found.get((user_id, conversation_id))

    async def history(
        self, me: uuid.UUID, conversation_id: str, *, start: str | None, forward: bool, limit: int
    ) -> tuple[list[MessageItem], bool]:
        """Up to `limit` messages after (forward) or before message id `start`, in time order,
        and whether more lie that way. Those I fetched from others are DELIVERED to me.
        The caller checked that I am a member."""
        items = await self.repository.page(
            conversation_id, start=start, forward=forward, limit=limit + 1
        )
        more, page = len(items) > limit, items[:limit]
        if not forward:
            page.reverse()
        from_others = [m for m in page if m.sender_id != str(me)]
        if from_others:
            await self.delivered(me, conversation_id, from_others[-1].id)
        return page, more

    async def delivered(self, me: uuid.UUID, conversation_id: str, up_to: str) -> None:
        """I fetched messages up to `up_to`: they are DELIVERED to me (caller checked access)."""
        advanced = await self.repository.advance(
            conversation_id, str(me), field="delivered", upto=up_to, at=now_iso()
        )
        if advanced:
            await publish_conversation(
                self.clients.broker,
                conversation_id,
                {"type": "RECEIPT", "userId": str(me), "state": "DELIVERED", "upTo": up_to},
            )

    async def typing(self, me: uuid.UUID, conversation_id: str, typing: bool) -> float:
        """Tell the conversation I am typing (never stored); when the signal expires."""
        await self.chat.access.conversation_for(conversation_id, me)
        await self.chat.access.refuse_blocked(conversation_id, me)
        await self.clients.limiter.check(
            f"chat:typing:{me}",
            limit=self.chat.settings.typing_limit,
            window=60,
            what="typing signals",
        )
        expires = time.time() + self.chat.settings.typing_ttl_seconds if typing else time.time()
        event: dict[str, Any] = {
            "type": "TYPING",
            "userId": str(me),
            "typing": typing,
            "expiresAt": expires,
        }
        await publish_conversation(self.clients.broker, conversation_id, event)
        return expires
