"""Round trips of key queries do not grow with the number of items they return."""

from __future__ import annotations

from tests.support.client import GraphQLClient
from tests.support.people import person_id

SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token } }"
SECURITY_EVENTS = """
query($first: Int!) {
  me { id username }
  securityEvents(first: $first) { edges { node { action at } } pageInfo { hasNextPage } }
}
"""
PEOPLE = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Person { username } } }"


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


async def test_nodes_of_2_and_20_people_take_the_same_statements(client: GraphQLClient) -> None:
    # given: 20 other accounts, looked up as people (users loaded through the dataloader)
    me = await client.sign_up()
    others = []
    for _ in range(20):  # each from its own address: sign-ups are limited per address
        async with GraphQLClient(client.base_url) as elsewhere:
            others.append(await elsewhere.sign_up())
    ids = [person_id(o) for o in others]
    # when
    two = await client.count_statements(PEOPLE, {"ids": ids[:2]}, token=me.token)
    twenty = await client.count_statements(PEOPLE, {"ids": ids}, token=me.token)
    # then
    assert two == twenty
    assert twenty <= 3  # batches (users, relations), never one per person
