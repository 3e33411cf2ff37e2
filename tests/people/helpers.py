"""Shared GraphQL documents and steps for people and chat tests."""

from __future__ import annotations

import base64
from typing import Any

from tests.support.client import Account, GraphQLClient

SEND_REQUEST = "mutation($id: ID!) { sendFriendRequest(userId: $id) { id relationship } }"
ACCEPT = "mutation($id: ID!) { acceptFriendRequest(userId: $id) { id relationship } }"
BLOCK = "mutation($id: ID!) { blockPerson(userId: $id) { id relationship } }"
UNBLOCK = "mutation($id: ID!) { unblockPerson(userId: $id) { id relationship } }"


def person_id(account: Account) -> str:
    return base64.b64encode(f"Person:{account.uuid}".encode()).decode()


async def befriend(client: GraphQLClient, a: Account, b: Account) -> None:
    await client.data(SEND_REQUEST, {"id": person_id(b)}, token=a.token)
    await client.data(ACCEPT, {"id": person_id(a)}, token=b.token)


async def subscribed(ws: Any, operation_id: str, query: str, variables: dict[str, Any]) -> None:
    """Subscribe and wait until the server has registered it (a probe query answers)."""
    await ws.subscribe(operation_id, query, variables)
    await ws.subscribe(f"probe-{operation_id}", "query { __typename }")
    while True:
        frame = await ws.receive()
        if frame.get("id") == f"probe-{operation_id}" and frame["type"] == "complete":
            return
        assert frame.get("id") != operation_id, frame
