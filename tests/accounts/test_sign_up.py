"""signUp: accounts are created once, with clear errors for bad input."""

from __future__ import annotations

import secrets

import pytest

from tests.support.client import GraphQLClient, error_codes

SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) {
    token
    user { id email username displayName presence { status } }
    session { id deviceName current }
  }
}
"""
SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token } }"
ME = "query { me { id email username displayName } }"


def new_input(**overrides: str) -> dict[str, str]:
    tag = secrets.token_hex(5)
    values = {
        "email": f"New-{tag}@Example.com",
        "username": f"new_{tag}",
        "password": "a long enough password",
        "displayName": "Ada",
        "deviceName": "laptop",
    }
    return {**values, **overrides}


async def test_sign_up_returns_token_that_reads_me(client: GraphQLClient) -> None:
    # given
    values = new_input()
    # when
    result = (await client.data(SIGN_UP, {"input": values}))["signUp"]
    me = (await client.data(ME, token=result["token"]))["me"]
    # then
    assert result["token"].startswith("pps_")
    assert result["session"] == {
        "id": result["session"]["id"],
        "deviceName": "laptop",
        "current": True,
    }
    assert me == {
        "id": result["user"]["id"],
        "email": values["email"],
        "username": values["username"],
        "displayName": "Ada",
    }


async def test_sign_up_with_email_taken_in_other_case_is_conflict(client: GraphQLClient) -> None:
    # given
    first = new_input()
    await client.data(SIGN_UP, {"input": first})
    # when
    body = await client.execute(SIGN_UP, {"input": new_input(email=first["email"].upper())})
    # then
    assert error_codes(body) == ["CONFLICT"]
    assert body["errors"][0]["extensions"]["field"] == "email"


async def test_sign_up_with_username_taken_is_conflict(client: GraphQLClient) -> None:
    # given
    first = new_input()
    await client.data(SIGN_UP, {"input": first})
    # when
    body = await client.execute(SIGN_UP, {"input": new_input(username=first["username"].upper())})
    # then
    assert error_codes(body) == ["CONFLICT"]
    assert body["errors"][0]["extensions"]["field"] == "username"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("email", "a@b"),
        ("username", "ab"),
        ("username", "has space"),
        ("username", "_leading"),
        ("password", "short"),
        ("password", "x" * 257),
        ("displayName", "x" * 101),
        ("deviceName", "x" * 101),
    ],
)
async def test_sign_up_with_bad_input_names_the_field_and_creates_nothing(
    client: GraphQLClient, field: str, value: str
) -> None:
    # given
    values = new_input(**{field: value})
    # when
    body = await client.execute(SIGN_UP, {"input": values})
    # then
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert body["data"] is None
    login = values["username"] if field != "username" else values["email"]
    sign_in = await client.execute(
        SIGN_IN, {"input": {"login": login, "password": values["password"]}}
    )
    assert error_codes(sign_in) in (["UNAUTHENTICATED"], ["BAD_USER_INPUT"])


async def test_sign_up_is_rate_limited_per_address(server, migrated) -> None:
    # given
    limit = migrated.sign_up_limit_per_address
    async with GraphQLClient(server.url) as one_address:
        for _ in range(limit):
            await one_address.data(SIGN_UP, {"input": new_input()})
        # when
        body = await one_address.execute(SIGN_UP, {"input": new_input()})
    # then
    assert error_codes(body) == ["RATE_LIMITED"]
    assert body["errors"][0]["extensions"]["retryAfter"] > 0
