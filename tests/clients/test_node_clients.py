"""Real client libraries in Node against the live server: graphql-ws, Apollo Client
(HttpLink with GraphQLWsLink, and its persisted-query link), urql with subscriptionExchange,
and the legacy subscriptions-transport-ws. Each runs a query, a mutation and a subscription."""

from __future__ import annotations

import secrets

import pytest

from server.graphql.persisted_queries import KEY_PREFIX
from tests.support.client import Account, GraphQLClient
from tests.support.node_clients import node_client, require_node_packages
from tests.support.persisted_queries import sha256

SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token } }"
CLIENTS = ["graphql-ws", "apollo", "urql", "subscriptions-transport-ws"]


@pytest.fixture(scope="module", autouse=True)
def node_packages() -> None:
    require_node_packages()


def sign_in(client: GraphQLClient, account: Account, device: str):
    login = {"login": account.email, "password": account.password, "deviceName": device}
    return lambda: client.data(SIGN_IN, {"input": login})


def names_a_device(device: str):
    """An event for `device`, or an error: the sign-up's own event may come first."""

    def wanted(step: dict) -> bool:
        result = step["result"]
        events = (result["data"] or {}).get("sessionEvents") or {}
        return bool(result["errors"]) or events.get("deviceName") == device

    return wanted


def without_typenames(value):
    """Apollo and urql add `__typename` to every selection; compare without it."""
    if isinstance(value, dict):
        return {k: without_typenames(v) for k, v in value.items() if k != "__typename"}
    return value


@pytest.mark.parametrize("library", CLIENTS)
async def test_client_library_runs_a_query_a_mutation_and_a_subscription(
    server, client: GraphQLClient, library: str
) -> None:
    # given
    account = await client.sign_up()
    name = f"Ada {secrets.token_hex(3)}"
    device = f"{library} phone"
    async with node_client(
        library, f"{server.url}/graphql", server.ws_url, account.token, name, device
    ) as node:
        # when
        query = await node.next_step()
        mutation = await node.next_step()
        assert await node.next_step() == {"step": "subscribed"}
        event = await node.event_after(sign_in(client, account, device), names_a_device(device))
    # then
    assert query["step"] == "query"
    assert without_typenames(query["result"]) == {
        "data": {"me": {"id": account.user_id}},
        "errors": None,
    }
    assert without_typenames(mutation["result"]) == {
        "data": {"updateProfile": {"displayName": name}},
        "errors": None,
    }
    assert event["step"] == "event"
    assert without_typenames(event["result"]) == {
        "data": {"sessionEvents": {"kind": "SIGNED_IN", "deviceName": device}},
        "errors": None,
    }


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_apollo_persisted_query_link_registers_then_sends_the_hash_alone(
    server, client: GraphQLClient, method: str
) -> None:
    # given: an operation name no earlier run used, so its hash is unknown
    account = await client.sign_up()
    operation = f"Me{secrets.token_hex(6)}"
    # when
    async with node_client(
        "apollo-apq", f"{server.url}/graphql", server.ws_url, account.token, operation, method
    ) as node:
        run = await node.next_step()
    # then: the hash alone (not found), the retry with the query, then the hash alone served
    digest = run["hash"]
    assert [r["hash"] for r in run["requests"]] == [digest] * 3
    assert [(r["method"], r["hasQuery"], r["status"], r["codes"]) for r in run["requests"]] == [
        (method, False, 200, ["PERSISTED_QUERY_NOT_FOUND"]),
        ("POST", True, 200, []),
        (method, False, 200, []),
    ]
    expected = {"data": {"me": {"id": account.user_id}}, "errors": None}
    assert [without_typenames(result) for result in run["results"]] == [expected] * 2
    # and the server stored the printed document under its sha256
    stored = await server.services.clients.redis.get(KEY_PREFIX + digest)
    assert stored is not None
    assert sha256(stored.decode()) == digest
    assert f"query {operation}" in stored.decode()
