"""Malformed, forged and foreign ids and cursors in every argument: never INTERNAL.

The requests are generated from the schema: every ID argument and input field, and every
`after`/`before`/`since` cursor of a root field, gets garbage, ids of types that are not
nodes, ids of real node types with overflowing or malformed keys, another user's ids, and
cursors of every kind with overflowing, negative and malformed positions; every Int gets
negative, zero and overflowing numbers. Nested fields' arguments: test_nested_arguments.py;
subscriptions': test_subscription_arguments.py.
"""

from __future__ import annotations

from tests.support.abuse import CURSOR_ARGUMENTS, assert_still_answers, graphql_schema, positions
from tests.support.attacks import (
    BAD_INTS,
    attack,
    bad_cursors,
    bad_global_ids,
    bad_ids,
    internal,
)
from tests.support.client import GraphQLClient
from tests.support.pod import create_entry


async def test_bad_ids_in_every_id_argument_are_never_internal(client: GraphQLClient) -> None:
    # given
    me, other = await client.sign_up(), await client.sign_up()
    schema = graphql_schema()
    foreign = [other.user_id, (await create_entry(client, other, title="theirs"))["id"]]
    ids = bad_ids(schema, foreign)
    targets = [(p, ids) for p in positions(schema, lambda _path, t: t.name == "ID")]

    # when
    found = internal(await attack(client, me.token, me.user_id, targets))

    # then
    assert found == [], sorted({name for name, _ in found})
    await assert_still_answers(client, me)


async def test_bad_cursors_in_every_cursor_argument_are_never_internal(
    client: GraphQLClient,
) -> None:
    # given
    me = await client.sign_up()
    cursors = bad_cursors()
    targets = [
        (p, cursors)
        for p in positions(graphql_schema(), lambda path, _t: path[-1] in CURSOR_ARGUMENTS)
    ]

    # when
    found = internal(await attack(client, me.token, me.user_id, targets))

    # then
    assert found == [], sorted({name for name, _ in found})
    await assert_still_answers(client, me)


async def test_bad_numbers_in_every_int_argument_are_never_internal(
    client: GraphQLClient,
) -> None:
    # given: page sizes, versions, priorities, moods... negative, zero and past 32 bits
    me = await client.sign_up()
    targets = [(p, BAD_INTS) for p in positions(graphql_schema(), lambda _path, t: t.name == "Int")]

    # when
    found = internal(await attack(client, me.token, me.user_id, targets))

    # then
    assert found == [], sorted({name for name, _ in found})
    await assert_still_answers(client, me)


async def test_each_bad_id_in_nodes_is_null_on_its_own(client: GraphQLClient) -> None:
    # given
    me = await client.sign_up()
    ids = [me.user_id, *bad_global_ids(), me.user_id]

    # when
    body = await client.execute(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, token=me.token
    )

    # then
    assert "errors" not in body, body
    nodes = body["data"]["nodes"]
    assert nodes[0] == nodes[-1] == {"id": me.user_id}
    assert nodes[1:-1] == [None] * (len(ids) - 2)
    await assert_still_answers(client, me)


async def test_bad_ids_in_node_are_null(client: GraphQLClient) -> None:
    # given
    me = await client.sign_up()

    for value in bad_global_ids():
        # when
        body = await client.execute(
            "query($id: ID!) { node(id: $id) { id } }", {"id": value}, token=me.token
        )

        # then
        assert body == {"data": {"node": None}}, value
    await assert_still_answers(client, me)
