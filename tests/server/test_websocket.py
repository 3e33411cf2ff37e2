"""GraphQL over websockets with both protocols, auth in connection_init, and revocation."""

from __future__ import annotations

import pytest

from tests.support.client import GraphQLClient
from tests.support.ws import LEGACY_WS, TRANSPORT_WS, WebSocketClient, received_after

SESSION_EVENTS = "subscription { sessionEvents { kind sessionId deviceName seq } }"
SIGN_IN = """
mutation($input: SignInInput!) { signIn(input: $input) { token session { id } } }
"""
REVOKE = "mutation($id: ID!) { revokeSession(id: $id) }"
ME = "query { me { id } }"


def data_frame(protocol: str) -> str:
    return "next" if protocol == TRANSPORT_WS else "data"


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_session_events_arrive_live_with_auth(
    client: GraphQLClient, server, protocol: str
) -> None:
    # given
    account = await client.sign_up()
    async with WebSocketClient(server.ws_url, protocol) as ws:
        ack = await ws.init({"authorization": f"Bearer {account.token}"})
        assert ack == {"type": "connection_ack", "payload": {"authenticated": True}}
        await ws.subscribe("1", SESSION_EVENTS)
        # when
        login = {"login": account.email, "password": account.password, "deviceName": "new phone"}
        frame = await received_after(ws, lambda: client.data(SIGN_IN, {"input": login}))
        # The sign-up's own SIGNED_IN comes through the outbox relay and may arrive first.
        while frame["payload"]["data"]["sessionEvents"]["deviceName"] != "new phone":
            frame = await ws.receive()
    assert frame["type"] == data_frame(protocol)
    assert frame["id"] == "1"
    event = frame["payload"]["data"]["sessionEvents"]
    assert event["kind"] == "SIGNED_IN"
    assert event["deviceName"] == "new phone"


async def test_queries_run_over_the_websocket_too(client: GraphQLClient, server) -> None:
    account = await client.sign_up()
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"token": account.token})
        await ws.subscribe("q", ME)
        frame = await ws.receive()
        complete = await ws.receive()
    assert frame["payload"] == {"data": {"me": {"id": account.user_id}}}
    assert complete == {"id": "q", "type": "complete"}


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_bad_token_is_refused_at_connection_init(server, protocol: str) -> None:
    async with WebSocketClient(server.ws_url, protocol) as ws:
        await ws.send(
            {"type": "connection_init", "payload": {"authorization": "Bearer pps_nope.nope"}}
        )
        if protocol == TRANSPORT_WS:
            assert await ws.closed_with() == 4403
        else:
            frame = await ws.receive()
            assert frame["type"] == "connection_error"
            assert frame["payload"]["code"] == "UNAUTHENTICATED"


async def test_subscription_without_a_token_is_unauthenticated(server) -> None:
    async with WebSocketClient(server.ws_url) as ws:
        ack = await ws.init()
        assert ack["payload"] == {"authenticated": False}
        await ws.subscribe("1", SESSION_EVENTS)
        frame = await ws.receive()
    assert frame["type"] == "error"
    assert frame["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_revoking_a_session_closes_its_live_socket(client: GraphQLClient, server) -> None:
    # given: a second device subscribed over a websocket
    account = await client.sign_up()
    device = (
        await client.data(
            SIGN_IN, {"input": {"login": account.email, "password": account.password}}
        )
    )["signIn"]
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {device['token']}"})
        await ws.subscribe("1", SESSION_EVENTS)
        # when: the first device revokes it
        await client.data(REVOKE, {"id": device["session"]["id"]}, token=account.token)
        # then
        assert await ws.closed_with() == 4401


async def test_revoking_another_session_keeps_this_socket_open(
    client: GraphQLClient, server
) -> None:
    # given
    account = await client.sign_up()
    login = {"login": account.email, "password": account.password}
    other = (
        await client.data(
            SIGN_IN, {"input": {"login": account.email, "password": account.password}}
        )
    )["signIn"]
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {account.token}"})
        await ws.subscribe("1", SESSION_EVENTS)
        await received_after(ws, lambda: client.data(SIGN_IN, {"input": login}))  # live now
        # when
        await client.data(REVOKE, {"id": other["session"]["id"]}, token=account.token)
        # then: this socket is told, and stays open
        kinds = []
        while not kinds or kinds[-1] == "SIGNED_IN":  # a priming sign-in may arrive late
            kinds.append((await ws.receive())["payload"]["data"]["sessionEvents"]["kind"])
        assert kinds[-1] == "REVOKED"
        await ws.subscribe("q", ME)
        assert (await ws.receive())["payload"]["data"]["me"]["id"] == account.user_id
