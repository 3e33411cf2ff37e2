"""Attack values for argument positions, and sending them batched as aliases.

Each kind of position gets its own values: ID positions bad and foreign ids, cursor
positions (`after`, `before`, `since`) bad and foreign cursors, Int positions negative,
zero and overflowing numbers, other String positions garbage text. NUL bytes in text are
refused before anything runs, so they are sent one per request (tests/security/
test_nul_bytes.py and test_nested_arguments.py).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema

from tests.support.abuse import CURSOR_ARGUMENTS, Position, b64, codes, graphql_schema
from tests.support.client import GraphQLClient

HUGE = "99999999999999999999999"
NOT_GLOBAL_IDS = ("not base64!!", b64("no colon"))
NOT_NODES = ("Unknown", "Query", "PageInfo", "Node")
# Every cursor kind the resolvers write (`encode_cursor`/`list_page` kinds).
CURSOR_KINDS = (
    "entry", "tag", "reminder", "topic", "similar", "search", "inbox", "message", "group",
    "pgroup", "stats", "etag", "entries", "cat", "act", "passage", "sync", "audit", "member",
    "cmember", "bytag", "bytopic", "entrytags", "edit", "topfreq", "entrytopics", "reaction",
    "receipt", "att",
    "share", "slink", "shared",
)  # fmt: skip
# A wrong kind is refused by one check; these reach each kind's own parsing.
CURSOR_VALUES = (HUGE, f"{HUGE}.{HUGE}", f"9999-99-99|{HUGE}|{uuid.uuid4()}")
# Page sizes and counts: below, at and past the edges of GraphQL's 32-bit Int.
BAD_INTS = (-1, 0, -(2**31), 2**31 - 1, 2**31)
BAD_STRINGS = ("", " ", "x" * 10_000, "'; select pg_sleep(1) --", "\U0001f600" * 50)
NUL_TEXT = "a\x00b"
INTERNAL_CODES = ("INTERNAL", "INTERNAL_SERVER_ERROR")
ALIASES_PER_REQUEST = 20
CONCURRENT_REQUESTS = 6


def node_type_names(schema: GraphQLSchema) -> list[str]:
    return [
        name
        for name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and any(i.name == "Node" for i in type_.interfaces)
    ]


def bad_ids(schema: GraphQLSchema, foreign: Sequence[str]) -> list[str]:
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


def bad_cursors(foreign: Sequence[str] = ()) -> list[str]:
    values = ["not base64!!", "%%%", b64("no colon"), b64(HUGE), *foreign]
    return values + [b64(f"{kind}:{value}") for kind in CURSOR_KINDS for value in CURSOR_VALUES]


def attack_values(
    position: Position, foreign_ids: Sequence[str], foreign_cursors: Sequence[str]
) -> list[Any]:
    """The attack values for a position's kind (no NUL: that is a request of its own)."""
    if position.type.name == "ID":
        return bad_ids(graphql_schema(), foreign_ids)
    if position.path[-1] in CURSOR_ARGUMENTS:
        return bad_cursors(foreign_cursors)
    if position.type.name == "Int":
        return list(BAD_INTS)
    if position.type.name == "String":
        return list(BAD_STRINGS)
    return []


def chunks(values: Sequence[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), ALIASES_PER_REQUEST):
        yield list(values[start : start + ALIASES_PER_REQUEST])


async def attack(
    client: GraphQLClient,
    token: str,
    own_id: str,
    targets: Sequence[tuple[Position, Sequence[Any]]],
    node_ids: dict[str, str] | None = None,
) -> list[tuple[Position, dict[str, Any]]]:
    """Every (position, answer) of sending each position its values, batched as aliases
    (nested positions on the caller's node of their type, from `node_ids`)."""
    limit = asyncio.Semaphore(CONCURRENT_REQUESTS)
    nodes = node_ids or {}

    async def answers(position: Position, chunk: list[Any]) -> list[dict[str, Any]]:
        query, variables = position.literal_request(chunk, own_id, nodes.get(position.parent, ""))
        async with limit:
            body = await client.execute(query, variables, token=token)
        if body.get("data") is None and len(chunk) > 1:
            # An error on a non-null field, or one value's refusal of the whole document
            # (a coercion or cost error), hides the other aliases' answers: ask one by one.
            return [b for value in chunk for b in await answers(position, [value])]
        return [body]

    pairs = [(p, chunk) for p, values in targets for chunk in chunks(values)]
    found = await asyncio.gather(*(answers(p, chunk) for p, chunk in pairs))
    return [
        (position, body)
        for (position, _), bodies in zip(pairs, found, strict=True)
        for body in bodies
    ]


def internal(answers: Sequence[tuple[Position, dict[str, Any]]]) -> list[tuple[str, Any]]:
    """(position, errors) of each answer that is INTERNAL."""
    return [
        (position.name, body["errors"])
        for position, body in answers
        if set(codes(body)) & set(INTERNAL_CODES)
    ]
