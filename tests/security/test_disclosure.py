"""Introspection and "Did you mean" suggestions follow the INTROSPECTION setting, over HTTP
and websockets alike; `__typename` is always answered."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import get_introspection_query

from tests.support.client import GraphQLClient, error_codes
from tests.support.ws import WebSocketClient

SCHEMA = "query { __schema { queryType { name } } }"
TYPE_IN_FRAGMENT = 'query { ...T } fragment T on Query { __type(name: "Entry") { name } }'
TYPENAME = "query { __typename }"
TYPO = "query { mee { id } }"


@pytest.mark.parametrize("query", [SCHEMA, TYPE_IN_FRAGMENT])
async def test_anonymous_introspection_is_forbidden_by_default(
    client: GraphQLClient, query: str
) -> None:
    body = await client.execute(query)
    assert body.get("data") is None
    assert error_codes(body) == ["FORBIDDEN"]


async def test_signed_in_callers_introspect_by_default(client: GraphQLClient) -> None:
    account = await client.sign_up()
    data = await client.data(SCHEMA, token=account.token)
    assert data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_typename_is_answered_to_anyone(client: GraphQLClient) -> None:
    assert await client.data(TYPENAME) == {"__typename": "Query"}


async def test_suggestions_only_for_callers_who_may_introspect(client: GraphQLClient) -> None:
    account = await client.sign_up()
    anonymous = await client.execute(TYPO)
    signed_in = await client.execute(TYPO, token=account.token)
    assert anonymous["errors"][0]["message"] == "Cannot query field 'mee' on type 'Query'."
    assert "Did you mean 'me'?" in signed_in["errors"][0]["message"]


async def test_suggestions_in_type_and_variable_errors_are_stripped_too(
    client: GraphQLClient,
) -> None:
    search = 'search(query: "x", kinds: $k) { __typename }'
    unknown_type = await client.execute(f"query($k: [SearchKnd!]) {{ {search} }}")
    bad_value = await client.execute(
        f"query($k: [SearchKind!]) {{ {search} }}", variables={"k": ["NOTES"]}
    )
    messages = [e["message"] for e in unknown_type["errors"] + bad_value["errors"]]
    assert messages[0] == "Unknown type 'SearchKnd'."
    assert "Value 'NOTES' does not exist in 'SearchKind' enum." in messages[-1]
    assert all("Did you mean" not in m for m in messages), messages


async def test_off_refuses_everyone(client: GraphQLClient, introspection: Any) -> None:
    account = await client.sign_up()
    introspection("off")
    body = await client.execute(SCHEMA, token=account.token)
    typo = await client.execute(TYPO, token=account.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert "Did you mean" not in typo["errors"][0]["message"]


async def test_public_opens_graphiqls_full_query_to_anyone(
    client: GraphQLClient, introspection: Any
) -> None:
    introspection("public")
    query = get_introspection_query(descriptions=True, specified_by_url=True)
    data = await client.data(query)
    assert data["__schema"]["queryType"]["name"] == "Query"


async def test_websockets_follow_the_same_policy(client: GraphQLClient, server: Any) -> None:
    account = await client.sign_up()
    async with WebSocketClient(server.ws_url) as anonymous:
        await anonymous.init()
        await anonymous.subscribe("1", SCHEMA)
        refused = await anonymous.receive()
    async with WebSocketClient(server.ws_url) as signed_in:
        await signed_in.init({"token": account.token})
        await signed_in.subscribe("1", SCHEMA)
        answered = await signed_in.receive()
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "FORBIDDEN"
    assert answered["payload"]["data"] == {"__schema": {"queryType": {"name": "Query"}}}
