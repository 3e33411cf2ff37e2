"""A NUL byte in any String or ID argument or input field: BAD_USER_INPUT naming it.

The requests are generated from the schema, one per position, for a signed-in and an
anonymous caller; nothing may answer INTERNAL, and the server keeps answering.
"""

from __future__ import annotations

from typing import Any

from tests.support.abuse import Position, assert_still_answers, codes, graphql_schema, positions
from tests.support.attacks import NUL_TEXT
from tests.support.client import GraphQLClient


def text_positions() -> list[Position]:
    return list(positions(graphql_schema(), lambda _path, t: t.name in ("String", "ID")))


async def nul_byte_answers(
    client: GraphQLClient, own_id: str, token: str | None, *, named: bool = False
) -> list[tuple[str, str, Any]]:
    """(field, position, errors) of each generated request that is not BAD_USER_INPUT
    naming its position (the field called inside a named fragment when `named`)."""
    wrong = []
    for position in text_positions():
        query, variables = position.variables_request(NUL_TEXT, own_id, named=named)
        body = await client.execute(query, variables, token=token)
        errors = body.get("errors") or []
        named = [(e.get("extensions") or {}).get("field") for e in errors]
        if codes(body) != ["BAD_USER_INPUT"] or named != [position.dotted]:
            wrong.append((position.field_name, position.dotted, errors))
    return wrong


async def test_nul_byte_in_any_argument_is_bad_user_input_signed_in(
    client: GraphQLClient,
) -> None:
    # given
    account = await client.sign_up()

    # when
    wrong = await nul_byte_answers(client, account.user_id, account.token)

    # then
    assert wrong == []
    await assert_still_answers(client, account)


async def test_nul_byte_in_any_argument_is_bad_user_input_signed_out(
    client: GraphQLClient,
) -> None:
    # given
    account = await client.sign_up()

    # when
    wrong = await nul_byte_answers(client, account.user_id, None)

    # then
    assert wrong == []
    await assert_still_answers(client, account)


async def test_nul_byte_in_any_argument_inside_a_named_fragment_is_bad_user_input(
    client: GraphQLClient,
) -> None:
    # given: every field called from a fragment spread (`{ ...F } fragment F on Query`)
    account = await client.sign_up()

    # when
    wrong = await nul_byte_answers(client, account.user_id, account.token, named=True)

    # then
    assert wrong == []
    await assert_still_answers(client, account)


async def test_nul_byte_in_a_literal_names_its_input_field(client: GraphQLClient) -> None:
    # given
    query = 'mutation { signIn(input: {login: "a\\u0000", password: "x"}) { token } }'

    # when
    body = await client.execute(query)

    # then
    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "input.login"
    await assert_still_answers(client, await client.sign_up())
