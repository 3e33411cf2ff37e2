"""Input errors carry `extensions.code` on every transport and say what to send."""

from __future__ import annotations

from typing import Any

import pytest

from resolvers.core.scalars import DATETIME_HINT
from tests.support.client import GraphQLClient
from tests.support.ws import LEGACY_WS, TRANSPORT_WS, WebSocketClient

UNKNOWN_FIELD = "subscription { noSuchField }"
BAD_ARGUMENT = "subscription { conversationEvents(conversationId: 1) { __typename } }"
NUL_ARGUMENT = 'subscription { conversationEvents(conversationId: "a\\u0000") { __typename } }'
CREATE_REMINDER = "mutation($i: CreateReminderInput!) { createReminder(input: $i) { id } }"


def codes(errors: list[dict[str, Any]]) -> list[str]:
    return [(e.get("extensions") or {}).get("code") for e in errors]


async def first_reply(
    client: GraphQLClient, server: Any, query: str, protocol: str = TRANSPORT_WS
) -> dict[str, Any]:
    """The first frame a signed-in socket gets for `query`."""
    account = await client.sign_up()
    async with WebSocketClient(server.ws_url, protocol) as ws:
        await ws.init({"authorization": f"Bearer {account.token}"})
        await ws.subscribe("1", query)
        return await ws.receive()


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
@pytest.mark.parametrize("query", [UNKNOWN_FIELD, BAD_ARGUMENT])
async def test_validation_error_over_websocket_has_code(
    client: GraphQLClient, server: Any, query: str, protocol: str
) -> None:
    # when
    frame = await first_reply(client, server, query, protocol)
    # then: graphql-transport-ws sends a list of errors, graphql-ws one error
    assert frame["type"] == "error"
    payload = frame["payload"]
    assert codes(payload if isinstance(payload, list) else [payload]) == ["BAD_USER_INPUT"]


async def test_nul_byte_over_websocket_is_bad_user_input_naming_the_field(
    client: GraphQLClient, server: Any
) -> None:
    # when
    frame = await first_reply(client, server, NUL_ARGUMENT)
    # then
    errors = frame["payload"] if frame["type"] == "error" else frame["payload"]["errors"]
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert errors[0]["extensions"]["field"] == "conversationId"


@pytest.mark.parametrize("remind_at", ["tomorrow", "2026-12-01Tx", "2026-13-45T99:99:00Z"])
async def test_bad_datetime_says_to_give_iso_8601(client: GraphQLClient, remind_at: str) -> None:
    # given
    account = await client.sign_up()
    reminder = {"title": "Call", "remindAt": remind_at}

    # when
    body = await client.execute(CREATE_REMINDER, {"i": reminder}, token=account.token)

    # then
    assert codes(body["errors"]) == ["BAD_USER_INPUT"]
    message = body["errors"][0]["message"]
    assert DATETIME_HINT in message
    assert "invalid literal" not in message


async def test_bad_datetime_literal_says_to_give_iso_8601(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    query = 'mutation { createReminder(input: {title: "Call", remindAt: "soon"}) { id } }'

    # when
    body = await client.execute(query, token=account.token)

    # then
    assert codes(body["errors"]) == ["BAD_USER_INPUT"]
    assert DATETIME_HINT in body["errors"][0]["message"]
