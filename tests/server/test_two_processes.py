"""Two server processes on one Redis, DynamoDB and PostgreSQL act as one service."""

from __future__ import annotations

from tests.support.client import GraphQLClient
from tests.support.processes import server_process
from tests.support.ws import WebSocketClient, received_after

SESSION_EVENTS = "subscription { sessionEvents { kind deviceName } }"


SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token } }"
REVOKE = "mutation($id: ID!) { revokeSession(id: $id) }"
ME = "query { me { id } }"


async def test_an_event_written_through_one_process_reaches_a_subscriber_on_the_other(
    client: GraphQLClient, server, service_env
) -> None:
    # given: a subscriber on the second process, signed up through the first
    account = await client.sign_up()

    def sign_in_through(http: GraphQLClient, device: str):
        login = {"login": account.email, "password": account.password, "deviceName": device}
        return lambda: http.data(SIGN_IN, {"input": login})

    async with server_process(service_env) as other_url:
        other_ws = other_url.replace("http://", "ws://") + "/graphql"
        async with WebSocketClient(other_ws) as ws:
            await ws.init({"authorization": f"Bearer {account.token}"})
            await ws.subscribe("1", SESSION_EVENTS)
            # when: a sign-in through the first process
            frame = await received_after(ws, sign_in_through(client, "via first"))
        # and the reverse: written through the second, seen on the first
        async with WebSocketClient(server.ws_url) as ws, GraphQLClient(other_url) as other:
            await ws.init({"authorization": f"Bearer {account.token}"})
            await ws.subscribe("1", SESSION_EVENTS)
            reverse = await received_after(ws, sign_in_through(other, "via second"))
    # then
    assert frame["payload"]["data"]["sessionEvents"] == {
        "kind": "SIGNED_IN",
        "deviceName": "via first",
    }
    assert reverse["payload"]["data"]["sessionEvents"] == {
        "kind": "SIGNED_IN",
        "deviceName": "via second",
    }


async def test_a_session_revoked_through_one_process_is_refused_by_the_other(
    client: GraphQLClient, server, service_env
) -> None:
    # given
    account = await client.sign_up()
    device = await client.data(
        SIGN_IN, {"input": {"login": account.email, "password": account.password}}
    )
    token = device["signIn"]["token"]
    async with server_process(service_env) as other_url, GraphQLClient(other_url) as other:
        assert "errors" not in await other.execute(ME, token=token)  # cached there now
        sessions = await client.data(
            "query { sessions { edges { node { id current } } } }", token=token
        )
        session_id = next(
            e["node"]["id"] for e in sessions["sessions"]["edges"] if e["node"]["current"]
        )
        # when
        await client.data(REVOKE, {"id": session_id}, token=account.token)
        # then
        body = await other.execute(ME, token=token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
