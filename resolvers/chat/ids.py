"""Global ids of chat objects, and reading them from arguments."""

from __future__ import annotations

import uuid

from strawberry import relay

from datastore.chat.ids import MESSAGE_ID, is_conversation_id
from datastore.kit.errors import BadUserInput


def conversation_gid(conversation_id: str) -> str:
    return relay.to_base64("Conversation", conversation_id)


def message_node_id(conversation_id: str, message_id: str) -> str:
    return f"{conversation_id}/{message_id}"


def message_gid(conversation_id: str, message_id: str) -> str:
    return relay.to_base64("Message", message_node_id(conversation_id, message_id))


def conversation_argument(value: relay.GlobalID, *, field: str = "conversationId") -> str:
    if value.type_name != "Conversation" or not is_conversation_id(value.node_id):
        raise BadUserInput("This id is not a conversation's.", field=field)
    return value.node_id


def split_message_id(node_id: str) -> tuple[str, str] | None:
    conversation_id, _, message_id = node_id.rpartition("/")
    if not is_conversation_id(conversation_id) or not MESSAGE_ID.match(message_id):
        return None
    return conversation_id, message_id


def message_argument(value: relay.GlobalID, *, field: str = "id") -> tuple[str, str]:
    found = split_message_id(value.node_id) if value.type_name == "Message" else None
    if found is None:
        raise BadUserInput("This id is not a message's.", field=field)
    return found


def group_argument(value: relay.GlobalID, *, field: str = "groupId") -> uuid.UUID:
    if value.type_name == "Group":
        try:
            return uuid.UUID(value.node_id)
        except ValueError:
            pass
    raise BadUserInput("This id is not a group's.", field=field)
