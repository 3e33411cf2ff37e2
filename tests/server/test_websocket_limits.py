"""Both websocket protocols live by the same rules: an init deadline, frames capped like
HTTP bodies, every operation type, and a socket that ends when its session expires."""

from __future__ import annotations

import time

import pytest

from datastore.kit.dynamo_codec import to_item
from tests.support.client import GraphQLClient
from tests.support.ws import LEGACY_WS, TRANSPORT_WS, WebSocketClient

PROTOCOLS = [TRANSPORT_WS, LEGACY_WS]
ME = "query { me { id } }"
RENAME = "mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { displayName } }"
SESSION_EVENTS = "subscription { sessionEvents { kind } }"


def data_frame(protocol: str) -> str:
    return "next" if protocol == TRANSPORT_WS else "data"


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_socket_that_never_sends_connection_init_is_closed(
    server, settings, protocol: str
) -> None:
    deadline = settings.ws_connection_init_timeout_seconds
    async with WebSocketClient(server.ws_url, protocol) as ws:
        assert await ws.closed_with(timeout=deadline + 5) == 4408


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_frame_over_the_request_cap_closes_the_socket(
    client: GraphQLClient, server, settings, protocol: str
) -> None:
    # given: an initialised socket
    account = await client.sign_up()
    cap = settings.max_request_bytes
    async with WebSocketClient(server.ws_url, protocol) as ws:
        await ws.init({"token": account.token})
        # when: a frame just under the cap (padding in an unused variable)
        await ws.subscribe("under", ME, {"pad": "x" * (cap - 1000)})
        answered = await ws.receive()
        # and: one just over it
        await ws.subscribe("over", ME, {"pad": "x" * cap})
        closed = await ws.closed_with()
    # then
    assert answered["payload"]["data"] == {"me": {"id": account.user_id}}
    assert closed == 1009  # message too big


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_queries_and_mutations_run_over_both_protocols(
    client: GraphQLClient, server, protocol: str
) -> None:
    account = await client.sign_up()
    async with WebSocketClient(server.ws_url, protocol) as ws:
        await ws.init({"token": account.token})
        await ws.subscribe("q", ME)
        query, query_done = await ws.receive(), await ws.receive()
        await ws.subscribe("m", RENAME, {"input": {"displayName": "Renamed"}})
        mutation, mutation_done = await ws.receive(), await ws.receive()
    assert query == {
        "type": data_frame(protocol),
        "id": "q",
        "payload": {"data": {"me": {"id": account.user_id}}},
    }
    assert mutation["payload"] == {"data": {"updateProfile": {"displayName": "Renamed"}}}
    assert (query_done, mutation_done) == (
        {"type": "complete", "id": "q"},
        {"type": "complete", "id": "m"},
    )


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_live_socket_closes_when_its_session_expires(
    client: GraphQLClient, server, protocol: str
) -> None:
    # given: a session that expires in two seconds
    account = await client.sign_up()
    await expire_session_in(server, account.token, seconds=2)
    async with WebSocketClient(server.ws_url, protocol) as ws:
        await ws.init({"token": account.token})
        await ws.subscribe("1", SESSION_EVENTS)
        # then: closed once it expires, not at the next minute's recheck
        assert await ws.closed_with(timeout=6) == 4401
    assert "errors" in await client.execute(ME, token=account.token)


async def expire_session_in(server, token: str, *, seconds: int) -> None:
    session_id = token.removeprefix("pps_").split(".")[0]
    dynamo = server.services.clients.dynamo
    await dynamo.client.update_item(
        TableName=dynamo.table("sessions"),
        Key={"id": {"S": session_id}},
        UpdateExpression="SET expires_at = :t",
        ExpressionAttributeValues={":t": to_item({"t": int(time.time()) + seconds})["t"]},
    )
    await server.services.clients.redis.delete(f"session:{session_id}")
