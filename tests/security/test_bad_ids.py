"""Malformed, forged and foreign ids and cursors in every argument: never INTERNAL.

The requests are generated from the schema: every ID argument and input field, and every
`after`/`before`/`since` cursor of a root field, gets garbage, ids of types that are not
nodes, ids of real node types with overflowing or malformed keys, another user's ids, and
cursors of every kind with overflowing, negative and malformed positions.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema

from tests.support.abuse import CURSOR_ARGUMENTS, Position, b64, codes, graphql_schema, positions
from tests.support.client import GraphQLClient
from tests.support.pod import create_entry

HUGE = "99999999999999999999999"
NOT_GLOBAL_IDS = ("not base64!!", b64("no colon"))
NOT_NODES = ("Unknown", "Query", "PageInfo", "Node")
# Every cursor kind the resolvers write (`encode_cursor`/`list_page` kinds).
CURSOR_KINDS = (
    "entry", "tag", "reminder", "topic", "similar", "search", "inbox", "message", "group",
    "pgroup", "stats", "etag", "entries", "cat", "act", "passage", "sync", "audit", "member",
    "cmember", "bytag", "bytopic", "entrytags", "edit", "topfreq", "entrytopics", "reaction",
    "receipt",
)  # fmt: skip
# A wrong kind is refused by one check; these reach each kind's own parsing.
CURSOR_VALUES = (HUGE, f"{HUGE}.{HUGE}", f"9999-99-99|{HUGE}|{uuid.uuid4()}")
ALIASES_PER_REQUEST = 20
CONCURRENT_REQUESTS = 6
ME = "{ me { id } }"


def node_type_names(schema: GraphQLSchema) -> list[str]:
    return [
        name
        for name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and any(i.name == "Node" for i in type_.interfaces)
    ]


def bad_ids(schema: GraphQLSchema, foreign: list[str]) -> list[str]:
    values = [*NOT_GLOBAL_IDS, *foreign]
    values += [b64(f"{name}:1") for name in NOT_NODES]
    # Every node type's parsing is the same helper's (resolvers/core/ids.py): a few
    # types stand for all, which keeps the request count (one per value and position) down.
    for name in node_type_names(schema)[:3]:
        values.append(b64(f"{name}:{HUGE}"))
    return values


def bad_global_ids() -> list[str]:
    """Well-formed global ids that cannot name any object (NOT_GLOBAL_IDS are no global
    id at all: BAD_USER_INPUT, see tests/accounts/test_nodes.py)."""
    return [v for v in bad_ids(graphql_schema(), []) if v not in NOT_GLOBAL_IDS]


def bad_cursors() -> list[str]:
    values = ["not base64!!", "%%%", b64("no colon"), b64(HUGE)]
    return values + [b64(f"{kind}:{value}") for kind in CURSOR_KINDS for value in CURSOR_VALUES]


def chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), ALIASES_PER_REQUEST):
        yield values[start : start + ALIASES_PER_REQUEST]


async def internal_answers(
    client: GraphQLClient, token: str, own_id: str, targets: list[tuple[Position, list[str]]]
) -> list[tuple[str, str, Any]]:
    """(field, position, errors) of each generated request that answered INTERNAL."""
    limit = asyncio.Semaphore(CONCURRENT_REQUESTS)

    async def answers(position: Position, chunk: list[str]) -> list[dict[str, Any]]:
        async with limit:
            body = await aliased_request(client, token, own_id, position, chunk)
        if body.get("data") is None and len(chunk) > 1:
            # An error on a non-null field nulls the whole response and hides the other
            # aliases' answers: ask for each value alone.
            return [b for value in chunk for b in await answers(position, [value])]
        return [body]

    found = await asyncio.gather(
        *(answers(p, chunk) for p, values in targets for chunk in chunks(values))
    )
    pairs = [(p, chunk) for p, values in targets for chunk in chunks(values)]
    return [
        (position.field_name, position.dotted, body["errors"])
        for (position, _), bodies in zip(pairs, found, strict=True)
        for body in bodies
        if "INTERNAL" in codes(body)
    ]


async def aliased_request(
    client: GraphQLClient, token: str, own_id: str, position: Position, values: list[str]
) -> dict[str, Any]:
    """One request with an aliased call of the position's field per value."""
    fields = " ".join(
        position.literal_field(value, own_id, f"a{i}") for i, value in enumerate(values)
    )
    return await client.execute(f"{position.operation} {{ {fields} }}", token=token)


async def test_bad_ids_in_every_id_argument_are_never_internal(client: GraphQLClient) -> None:
    # given
    me, other = await client.sign_up(), await client.sign_up()
    schema = graphql_schema()
    foreign = [other.user_id, (await create_entry(client, other, title="theirs"))["id"]]
    ids = bad_ids(schema, foreign)
    targets = [(p, ids) for p in positions(schema, lambda _path, t: t.name == "ID")]

    # when
    internal = await internal_answers(client, me.token, me.user_id, targets)

    # then
    assert internal == [], sorted({(field, path) for field, path, _ in internal})
    assert (await client.data(ME, token=me.token))["me"]["id"] == me.user_id


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
    internal = await internal_answers(client, me.token, me.user_id, targets)

    # then
    assert internal == [], sorted({(field, path) for field, path, _ in internal})
    assert (await client.data(ME, token=me.token))["me"]["id"] == me.user_id


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
