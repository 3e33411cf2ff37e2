"""Chat's sections: the conversations in my inbox and every message in them I can see."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

from datastore.chat.items import InboxItem, MessageItem
from datastore.chat.repository.media import ChatMediaRepository
from datastore.chat.service.media import ChatMediaService
from datastore.exports.sections.base import Scope, Section, fields
from datastore.kit.blobs import StoredBlob

PAGE = 100


async def _inbox(scope: Scope) -> AsyncIterator[list[InboxItem]]:
    """My inbox rows a page at a time: the conversations I am in (DynamoDB, by my partition)."""
    after: tuple[str, str] | None = None
    while True:
        page = await scope.inbox.page(str(scope.user_id), after=after, limit=PAGE)
        if page:
            yield page
        if len(page) < PAGE:
            return
        after = (page[-1].activity, page[-1].conversation_id)


async def _conversations(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async for page in _inbox(scope):
        found = await scope.messages.conversations([row.conversation_id for row in page])
        for row in page:
            conversation = found.get(row.conversation_id)
            yield {
                "id": row.conversation_id,
                "kind": row.kind,
                "groupId": conversation.group_id if conversation else None,
                "members": conversation.members if conversation else [],
                "unread": row.unread,
                "lastMessageId": row.activity or None,
                "createdAt": conversation.created_at if conversation else None,
            }


async def _messages(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async for page in _inbox(scope):
        for row in page:
            start: str | None = None
            while True:
                batch = await scope.messages.page(
                    row.conversation_id, start=start, forward=True, limit=PAGE
                )
                files = await _media_files(scope, batch)
                for message in batch:
                    yield {
                        "conversationId": message.conversation_id,
                        "id": message.id,
                        "senderId": message.sender_id,
                        "kind": message.kind,
                        "body": message.body,
                        "replyTo": message.reply_to,
                        "media": message.media,
                        "mediaFile": files.get(message.id),
                        "reactions": {k: sorted(v) for k, v in message.reactions.items()},
                        "edits": message.edits,
                        "createdAt": message.created_at,
                        "editedAt": message.edited_at,
                        "deletedAt": message.deleted_at,
                    }
                if len(batch) < PAGE:
                    break
                start = batch[-1].id


async def _media_files(scope: Scope, batch: list[MessageItem]) -> dict[str, str]:
    """Message id -> where its file is in the archive, for the files of `batch` I may
    download (mine, and others' once processed), copied in now."""
    wanted = {m.id: (m.media or {}).get("media_id") for m in batch}
    ids = [uuid.UUID(v) for v in wanted.values() if isinstance(v, str) and _is_uuid(v)]
    if not ids:
        return {}
    rows = {str(r.id): r for r in await ChatMediaRepository(scope.db).list_by_ids(ids)}
    found: dict[str, str] = {}
    for message_id, media_id in wanted.items():
        row = rows.get(media_id) if isinstance(media_id, str) else None
        if row is None or not ChatMediaService.offered_to(scope.user_id, row):
            continue
        name = f"files/chat/{row.id}/{row.name}"
        blob = StoredBlob(row.blob_key, row.size, row.sha256, row.blocks)
        if await scope.files.add(name, blob, compress=row.mime_type.startswith("text/")):
            found[message_id] = name
    return found


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


CONVERSATIONS = Section(
    name="chat.conversations",
    file="chat/conversations.json",
    version=1,
    description="The direct and group conversations in my inbox, most recently active first.",
    fields=fields(
        ("id", "Conversation id."),
        ("kind", "DIRECT or GROUP."),
        ("groupId", "The group's id for GROUP conversations, else null."),
        ("members", "The two user ids of a DIRECT conversation (empty for groups)."),
        ("unread", "Messages I had not read."),
        ("lastMessageId", "Id of its newest message, or null."),
        ("createdAt", "ISO 8601."),
    ),
    rows=_conversations,
    store="DynamoDB",
)

MESSAGES = Section(
    name="chat.messages",
    file="chat/messages.json",
    version=1,
    description="Every message I can see in those conversations (mine and others'), in time "
    "order per conversation. Deleted messages keep their place with a null body.",
    fields=fields(
        ("conversationId", "The conversation (see chat/conversations.json)."),
        ("id", "Message id (time-ordered)."),
        ("senderId", "The sender's user id."),
        ("kind", "TEXT, IMAGE, VIDEO, DOCUMENT, EMOTION or SYSTEM."),
        ("body", "The text, or null."),
        ("replyTo", "Id of the message it answers, or null."),
        ("media", "Media metadata (object), or null."),
        (
            "mediaFile",
            "Where the message's file is in this archive (files/chat/<id>/<name>), or null: "
            "no file, not processed yet (someone else's), or lost by the blob store.",
        ),
        ("reactions", "Reaction kind -> ids of the users who reacted so."),
        ("edits", "Earlier versions: objects with the old body and when it changed."),
        ("createdAt", "ISO 8601."),
        ("editedAt", "Last edit, or null."),
        ("deletedAt", "When deleted, or null."),
    ),
    rows=_messages,
    store="DynamoDB",
)
