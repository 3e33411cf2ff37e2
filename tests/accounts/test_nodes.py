"""Relay node(id)/nodes(ids): my objects resolve, anyone else's are null."""

from __future__ import annotations

from tests.support.client import GraphQLClient, error_codes

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on User { email }
    ... on Session { deviceName current }
  }
}
"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


async def test_node_resolves_my_user_and_session(client: GraphQLClient) -> None:
    account = await client.sign_up(device_name="desk")
    user = (await client.data(NODE, {"id": account.user_id}, token=account.token))["node"]
    session = (await client.data(NODE, {"id": account.session_id}, token=account.token))["node"]
    assert user == {"__typename": "User", "id": account.user_id, "email": account.email}
    assert session == {
        "__typename": "Session",
        "id": account.session_id,
        "deviceName": "desk",
        "current": True,
    }


async def test_node_of_another_user_is_null(client: GraphQLClient) -> None:
    # given
    mine, theirs = await client.sign_up(), await client.sign_up()
    # when
    results = await client.data(
        NODES, {"ids": [theirs.user_id, theirs.session_id, mine.user_id]}, token=mine.token
    )
    # then
    assert results["nodes"] == [None, None, {"__typename": "User", "id": mine.user_id}]


async def test_node_without_a_token_is_null(client: GraphQLClient) -> None:
    account = await client.sign_up()
    assert (await client.data(NODE, {"id": account.user_id}))["node"] is None


async def test_node_with_a_malformed_id_is_bad_input(client: GraphQLClient) -> None:
    account = await client.sign_up()
    body = await client.execute(NODE, {"id": "not a global id"}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
