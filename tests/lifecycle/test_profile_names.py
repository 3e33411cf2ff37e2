"""First and last name (as in the journal design) and lastLoginAt on `me`."""

from __future__ import annotations

from datetime import datetime

from tests.support.client import GraphQLClient, error_codes
from tests.support.lifecycle import ME, SIGN_IN

UPDATE = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { displayName firstName lastName }
}
"""


async def test_first_and_last_name_are_set_kept_and_cleared(client: GraphQLClient) -> None:
    # given
    me = await client.sign_up()
    # when
    named = await client.data(
        UPDATE, {"input": {"firstName": " Ada ", "lastName": "Lovelace"}}, token=me.token
    )
    other = await client.data(UPDATE, {"input": {"displayName": "Ada L."}}, token=me.token)
    cleared = await client.data(UPDATE, {"input": {"lastName": None}}, token=me.token)
    # then
    assert named["updateProfile"] == {
        "displayName": None,
        "firstName": "Ada",
        "lastName": "Lovelace",
    }
    assert other["updateProfile"] == {
        "displayName": "Ada L.",
        "firstName": "Ada",
        "lastName": "Lovelace",
    }
    assert cleared["updateProfile"]["lastName"] is None
    assert (await client.data(ME, token=me.token))["me"]["firstName"] == "Ada"


async def test_a_name_too_long_is_refused_and_changes_nothing(client: GraphQLClient) -> None:
    # given
    me = await client.sign_up()
    await client.data(UPDATE, {"input": {"firstName": "Ada"}}, token=me.token)
    # when
    body = await client.execute(
        UPDATE, {"input": {"firstName": "Grace", "lastName": "x" * 101}}, token=me.token
    )
    # then
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "lastName"
    assert (await client.data(ME, token=me.token))["me"]["firstName"] == "Ada"


async def test_last_login_at_moves_with_each_sign_in(client: GraphQLClient) -> None:
    # given: signing up is the first sign-in
    me = await client.sign_up()
    first = (await client.data(ME, token=me.token))["me"]["lastLoginAt"]
    # when
    token = (await client.data(SIGN_IN, {"l": me.email, "p": me.password}))["signIn"]["token"]
    later = (await client.data(ME, token=token))["me"]["lastLoginAt"]
    # then
    assert first is not None and datetime.fromisoformat(later) > datetime.fromisoformat(first)
