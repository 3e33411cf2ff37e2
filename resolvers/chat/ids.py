"""Global ids of chat objects: building them, and reading them from arguments and nodes.

A conversation's node id is its DynamoDB id; a message's is `<conversation>/<message>`.
"""

from __future__ import annotations

import uuid
from typing import Any

from strawberry import relay

from datastore.chat.ids import MESSAGE_ID, is_conversation_id
from resolvers.core.ids import argument_key, argument_uuid


def conversation_gid(conversation_id: str) -> str:
    return relay.to_base64("Conversation", conversation_id)


def message_node_id(conversation_id: str, message_id: str) -> str:
    return f"{conversation_id}/{message_id}"


def message_gid(conversation_id: str, message_id: str) -> str:
    return relay.to_base64("Message", message_node_id(conversation_id, message_id))


def with_global_ids(data: dict[str, Any]) -> dict[str, Any]:
    """Stored details (notifications, activity) with chat ids as the API's global ids.

    The chat domain stores its own ids (`conversationId`, `messageId`); clients pass
    global ids everywhere, so they get them here too. Values that are no raw chat id (older
    rows written with global ids, other keys) are left as they are."""
    conversation = data.get("conversationId")
    if not isinstance(conversation, str) or not is_conversation_id(conversation):
        return data
    shown = {**data, "conversationId": conversation_gid(conversation)}
    message = data.get("messageId")
    if isinstance(message, str) and MESSAGE_ID.match(message):
        shown["messageId"] = message_gid(conversation, message)
    return shown


def conversation_key(node_id: str) -> str:
    """A conversation's node id, checked; ValueError when malformed."""
    if not is_conversation_id(node_id):
        raise ValueError(f"not a conversation id: {node_id!r}")
    return node_id


def message_key(node_id: str) -> tuple[str, str]:
    """(conversation id, message id) inside a message's node id; ValueError when malformed."""
    conversation_id, _, message_id = node_id.rpartition("/")
    if not MESSAGE_ID.match(message_id):
        raise ValueError(f"not a message id: {node_id!r}")
    return conversation_key(conversation_id), message_id


def conversation_argument(value: relay.GlobalID, *, field: str = "conversationId") -> str:
    return argument_key(value, "Conversation", field=field, parse=conversation_key)


def message_argument(value: relay.GlobalID, *, field: str = "id") -> tuple[str, str]:
    return argument_key(value, "Message", field=field, parse=message_key)


def group_argument(value: relay.GlobalID, *, field: str = "groupId") -> uuid.UUID:
    return argument_uuid(value, "Group", field=field)
