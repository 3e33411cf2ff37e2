"""Steps shared by chat tests."""

from __future__ import annotations

import secrets
from typing import Any

from tests.chat.documents import SEND, START
from tests.people.helpers import person_id
from tests.support.client import Account, GraphQLClient


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
