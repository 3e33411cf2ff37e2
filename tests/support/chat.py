"""GraphQL documents and steps of chat, shared by the chat, people and security tests."""

from __future__ import annotations

import secrets
from typing import Any

from tests.support.client import Account, GraphQLClient
from tests.support.people import befriend, person_id
from tests.support.ws import WebSocketClient

START = "mutation($id: ID!) { startDirectConversation(userId: $id) { id kind } }"
SEND = """
mutation($input: SendMessageInput!) {
  sendMessage(input: $input) {
    id body kind clientId deleted replyTo { id body } sender { username }
    media { fileName mimeType sizeBytes storagePath thumbnailUrl processingStatus }
  }
}
"""
MESSAGES = """
query($c: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  messages(conversationId: $c, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id body deleted kind editedAt
      editHistory { edges { node { body } } }
      reactions { edges { node { reaction count reactedByMe } } }
      deliveryState } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""
CONVERSATIONS = """
query($first: Int, $after: String) {
  conversations(first: $first, after: $after) {
    edges { node { id kind unreadCount lastMessage { body deleted kind } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
EDIT = "mutation($id: ID!, $body: String!) { editMessage(id: $id, body: $body) { body editedAt } }"
DELETE = "mutation($id: ID!) { deleteMessage(id: $id) { id body deleted deletedAt } }"
REACT = """
mutation($id: ID!, $r: ReactionKind!) {
  toggleReaction(messageId: $id, reaction: $r) {
    added message { reactions { edges { node { reaction count reactedByMe } } } }
  }
}
"""
MARK_READ = "mutation($c: ID!, $m: ID!) { markRead(conversationId: $c, upTo: $m) { unreadCount } }"
TYPING = "mutation($c: ID!) { setTyping(conversationId: $c) }"
EVENTS = """
subscription($c: ID!) {
  conversationEvents(conversationId: $c) {
    kind personId reaction reactionAdded receiptState upTo typing typingExpiresAt
    message { id body deleted }
  }
}
"""
INBOX_EVENTS = "subscription { inboxEvents { kind conversation { unreadCount } } }"
RECEIPTS = """
query($id: ID!) { node(id: $id) { ... on Message {
  deliveryState receipts { edges { node { state person { username } } } } } } }
"""


CREATE_GROUP = """
mutation($input: CreateGroupInput!) { createGroup(input: $input) { conversation { id } } }
"""


async def group_of(client: GraphQLClient, owner: Account, members: list[Account], name: str) -> str:
    """A GROUP conversation of `owner` and `members` (each befriends the owner first)."""
    for member in members:
        await befriend(client, member, owner)
    data = await client.data(
        CREATE_GROUP,
        {"input": {"name": name, "memberIds": [person_id(m) for m in members]}},
        token=owner.token,
    )
    return data["createGroup"]["conversation"]["id"]


async def next_event(ws: WebSocketClient, kind: str) -> dict[str, Any]:
    """The next conversation event of `kind` (receipts may come between)."""
    while True:
        frame = await ws.receive()
        assert frame["type"] == "next", frame
        event = frame["payload"]["data"]["conversationEvents"]
        if event["kind"] == kind:
            return event


async def direct(client: GraphQLClient, a: Account, b: Account) -> str:
    data = await client.data(START, {"id": person_id(b)}, token=a.token)
    return data["startDirectConversation"]["id"]


def message_input(conversation: str, body: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "conversationId": conversation,
            "clientId": extra.pop("clientId", secrets.token_hex(8)),
            "body": body,
            **extra,
        }
    }


async def send(
    client: GraphQLClient, account: Account, conversation: str, body: str, **extra: Any
) -> dict[str, Any]:
    data = await client.data(SEND, message_input(conversation, body, **extra), token=account.token)
    return data["sendMessage"]
