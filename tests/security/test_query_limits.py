"""Documents built to make validation or execution expensive are refused cheaply.

Each worst case is generated: fragment fan-out (each fragment spreading the next twice),
wide duplicate fields, over-long lists (literal, in variables, inside input objects), and
page sizes hidden in variables. Each must be refused with BAD_USER_INPUT by a size or work
limit; the work is measured by the limiter's own counter of visited nodes, never by time,
and the server must answer a normal request right after.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from graphql import get_introspection_query

from server.graphql.document_shape import work
from tests.support.abuse import assert_socket_still_answers, assert_still_answers
from tests.support.client import Account, GraphQLClient, error_codes
from tests.support.ws import WebSocketClient

ENTRY_PAGE = (
    "a{n}: entries(first: {entries}) {{ edges {{ node {{ id"
    " tags(first: {tags}) {{ edges {{ node {{ id name }} }} }} }} }} }}"
)


def fragment_fan_out(levels: int) -> str:
    """F0 spreads F1 twice, F1 spreads F2 twice...: 2**levels copies of `me { id }`."""
    fragments = [
        f"fragment F{n} on Query {{ me {{ id }} ...F{n + 1} ...F{n + 1} }}" for n in range(levels)
    ]
    return " ".join(
        ["query { ...F0 }", *fragments, f"fragment F{levels} on Query {{ me {{ id }} }}"]
    )


def duplicate_fields(copies: int) -> str:
    return "{ " + " ".join(["me { id }"] * copies) + " }"


def entry_pages(copies: int, entries: str, tags: str) -> str:
    return " ".join(ENTRY_PAGE.format(n=n, entries=entries, tags=tags) for n in range(copies))


async def refused(
    client: GraphQLClient, witness: Account, query: str, variables: Any = None
) -> dict[str, Any]:
    """The one error of a refused request, after checking the server still answers."""
    before = work.visited
    if variables is None:  # GET, as an anonymous attacker's link would
        response = await client.http.get(
            "/graphql",
            params={"query": query},
            headers={"accept": "application/graphql-response+json"},
        )
    else:
        response = await client.post(query, variables)
    visited = work.visited - before
    assert response.status_code == 400, response.text
    body = response.json()
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    # Linear: the limiter visits fewer nodes than the document has characters.
    assert visited <= len(query) + 4 * len(_json(variables or {})), visited
    await assert_still_answers(client, witness)
    [error] = body["errors"]
    return dict(error)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


@pytest.mark.parametrize("levels", [18, 30, 60])
async def test_fragment_fan_out_is_refused_with_linear_work(
    client: GraphQLClient, witness: Account, levels: int
) -> None:
    # given: a document whose naive expansion has 2**levels fields
    query = fragment_fan_out(levels)

    # when
    error = await refused(client, witness, query)

    # then
    assert "fields (fragments expanded), over the limit of 500" in error["message"]


async def test_fragment_fan_out_is_refused_over_websocket(
    server: Any, client: GraphQLClient, witness: Account
) -> None:
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {witness.token}"})
        await ws.subscribe("fan", fragment_fan_out(40))
        frame = await ws.receive()
        await assert_socket_still_answers(ws, witness)

    assert frame["type"] == "error", frame
    assert "over the limit of 500" in frame["payload"][0]["message"]
    await assert_still_answers(client, witness)


@pytest.mark.parametrize(
    ("copies", "message"),
    [
        (1240, "fields (fragments expanded), over the limit of 500"),
        (11, "selects one field 11 times in one selection set, over the limit of 10"),
    ],
    ids=["wide", "duplicated"],
)
async def test_duplicate_fields_are_refused_before_overlap_check(
    client: GraphQLClient, witness: Account, copies: int, message: str
) -> None:
    error = await refused(client, witness, duplicate_fields(copies))

    assert message in error["message"]


async def test_duplicate_fields_through_fragments_are_refused(
    client: GraphQLClient, witness: Account
) -> None:
    # given: eleven different fragments, each selecting `me`, spread in one selection set
    fragments = " ".join(f"fragment D{n} on Query {{ me {{ id }} }}" for n in range(11))
    query = "{ " + " ".join(f"...D{n}" for n in range(11)) + " } " + fragments

    error = await refused(client, witness, query)

    assert "11 times" in error["message"]


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["x"] * 10_000}, "ids"),
        ("{ nodes(ids: [" + ", ".join(['"x"'] * 101) + "]) { id } }", None, "ids"),
        (
            "query($f: EntryFilter) { entries(filter: $f) { edges { node { id } } } }",
            {"f": {"tagIds": ["t"] * 5_000}},
            "filter.tagIds",
        ),
        (
            "query($t: [ID!]) { entries(filter: {tagIds: $t}) { edges { node { id } } } }",
            {"t": ["t"] * 101},
            "filter.tagIds",
        ),
    ],
    ids=["variable", "literal", "variable input object", "variable in literal object"],
)
async def test_over_long_list_is_refused_naming_the_argument(
    client: GraphQLClient, witness: Account, query: str, variables: Any, field: str
) -> None:
    error = await refused(client, witness, query, variables)

    assert error["extensions"]["field"] == field
    assert error["extensions"]["maxLength"] == 100
    assert f"'{field}' has" in error["message"]


async def test_list_length_counts_in_the_cost(client: GraphQLClient, witness: Account) -> None:
    # given: 100 ids, each asking for 100 tags: 100 times the work of one
    query = (
        "query($ids: [ID!]!) { nodes(ids: $ids) { id"
        " ... on Entry { tags(first: 100) { edges { node { id name } } } } } }"
    )

    error = await refused(client, witness, query, {"ids": ["x"] * 100})

    assert error["extensions"]["cost"] == 1 + 100 + 100 * (1 + 1 + 100 * 4)


async def test_page_sizes_from_variables_are_refused_like_literals(
    client: GraphQLClient, witness: Account
) -> None:
    # given: the same work with literal page sizes and with variables defaulting to 1
    literal = "{ " + entry_pages(3, "100", "50") + " }"
    variable = "query($n: Int = 1, $m: Int = 1) { " + entry_pages(3, "$n", "$m") + " }"

    # when
    by_literal = await refused(client, witness, literal)
    by_variable = await refused(client, witness, variable, {"n": 100, "m": 50})

    # then
    assert by_variable["extensions"]["cost"] == by_literal["extensions"]["cost"]
    assert "over the limit of 20000" in by_variable["message"]


async def test_small_page_sizes_from_variables_run(client: GraphQLClient) -> None:
    account = await client.sign_up()
    query = "query($n: Int = 1, $m: Int = 1) { " + entry_pages(3, "$n", "$m") + " }"

    data = await client.data(query, {"n": 2, "m": 2}, token=account.token)

    assert data["a0"] == {"edges": []}


async def test_page_size_variable_over_websocket_is_refused(
    server: Any, client: GraphQLClient, witness: Account
) -> None:
    query = "query($n: Int = 1, $m: Int = 1) { " + entry_pages(3, "$n", "$m") + " }"
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {witness.token}"})
        await ws.subscribe("costly", query, {"n": 100, "m": 50})
        frame = await ws.receive()
        await assert_socket_still_answers(ws, witness)

    assert frame["type"] == "error", frame
    assert "over the limit of 20000" in frame["payload"][0]["message"]
    await assert_still_answers(client, witness)


async def test_full_introspection_query_runs(client: GraphQLClient) -> None:
    # GraphiQL's own query nests `ofType` deeply and expands its fragments widely.
    query = get_introspection_query(
        descriptions=True, specified_by_url=True, directive_is_repeatable=True
    )

    account = await client.sign_up()

    data = await client.data(query, token=account.token)

    assert data["__schema"]["queryType"]["name"] == "Query"
