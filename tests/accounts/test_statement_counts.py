"""Round trips of key queries do not grow with the number of items they return."""

from __future__ import annotations

from tests.support.client import GraphQLClient

SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token } }"
SECURITY_EVENTS = """
query($first: Int!) {
  me { id username }
  securityEvents(first: $first) { edges { node { action at } } pageInfo { hasNextPage } }
}
"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on User { email } } }"


async def test_security_events_take_the_same_statements_for_2_and_20_rows(
    client: GraphQLClient,
) -> None:
    # given: 1 sign-up + 1 login + 20 more logins = 22 events
    account = await client.sign_up()
    for _ in range(20):
        await client.data(
            SIGN_IN, {"input": {"login": account.email, "password": account.password}}
        )
    # when
    small = await client.count_statements(SECURITY_EVENTS, {"first": 2}, token=account.token)
    large = await client.count_statements(SECURITY_EVENTS, {"first": 20}, token=account.token)
    # then
    assert small == large
    assert large <= 2  # the user (one batch) and the page


async def test_nodes_batch_users_into_one_statement(client: GraphQLClient) -> None:
    account = await client.sign_up()
    one = await client.count_statements(NODES, {"ids": [account.user_id]}, token=account.token)
    many = await client.count_statements(
        NODES, {"ids": [account.user_id] * 30}, token=account.token
    )
    assert one == many == 1
