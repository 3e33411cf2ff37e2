"""updateProfile, updatePresence, changePassword."""

from __future__ import annotations

import pytest

from tests.support.client import GraphQLClient, error_codes

UPDATE_PROFILE = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { displayName avatarUrl profile }
}
"""
UPDATE_PRESENCE = """
mutation($status: PresenceStatus!) {
  updatePresence(status: $status) { presence { status lastSeen } }
}
"""
CHANGE_PASSWORD = """
mutation($input: ChangePasswordInput!) { changePassword(input: $input) { endedSessions } }
"""
SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token } }"
ME = "query { me { displayName avatarUrl profile presence { status lastSeen } } }"


async def test_update_profile_changes_given_fields_and_keeps_the_rest(
    client: GraphQLClient,
) -> None:
    # given
    account = await client.sign_up()
    await client.data(
        UPDATE_PROFILE,
        {
            "input": {
                "displayName": "Grace",
                "avatarUrl": "https://example.com/a.png",
                "profile": {"bio": "hi", "links": ["https://x.y"]},
            }
        },
        token=account.token,
    )
    # when
    result = await client.data(
        UPDATE_PROFILE, {"input": {"displayName": "Grace H."}}, token=account.token
    )
    # then
    assert result["updateProfile"] == {
        "displayName": "Grace H.",
        "avatarUrl": "https://example.com/a.png",
        "profile": {"bio": "hi", "links": ["https://x.y"]},
    }
    me = (await client.data(ME, token=account.token))["me"]
    assert me["displayName"] == "Grace H."


async def test_update_profile_null_clears_a_field(client: GraphQLClient) -> None:
    account = await client.sign_up()
    await client.data(
        UPDATE_PROFILE, {"input": {"avatarUrl": "https://example.com/a.png"}}, token=account.token
    )
    result = await client.data(UPDATE_PROFILE, {"input": {"avatarUrl": None}}, token=account.token)
    assert result["updateProfile"]["avatarUrl"] is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"avatarUrl": "javascript:alert(1)"}, "avatarUrl"),
        ({"avatarUrl": "ftp://example.com/a.png"}, "avatarUrl"),
        ({"displayName": "x" * 101}, "displayName"),
        ({"profile": [1, 2]}, "profile"),
        ({"profile": {"big": "x" * 20_000}}, "profile"),
    ],
)
async def test_update_profile_bad_input_changes_nothing(
    client: GraphQLClient, values: dict, field: str
) -> None:
    # given
    account = await client.sign_up()
    before = (await client.data(ME, token=account.token))["me"]
    # when
    body = await client.execute(UPDATE_PROFILE, {"input": values}, token=account.token)
    # then
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert (await client.data(ME, token=account.token))["me"] == before


async def test_update_presence_sets_status_and_last_seen(client: GraphQLClient) -> None:
    account = await client.sign_up()
    result = await client.data(UPDATE_PRESENCE, {"status": "DO_NOT_DISTURB"}, token=account.token)
    presence = result["updatePresence"]["presence"]
    assert presence["status"] == "DO_NOT_DISTURB"
    assert presence["lastSeen"] is not None


async def test_unknown_presence_status_is_rejected(client: GraphQLClient) -> None:
    account = await client.sign_up()
    body = await client.execute(UPDATE_PRESENCE, {"status": "INVISIBLE"}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "data" not in body


async def test_change_password_ends_other_sessions_only(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    others = []
    for _ in range(2):
        data = await client.data(
            SIGN_IN, {"input": {"login": account.email, "password": account.password}}
        )
        others.append(data["signIn"]["token"])
    # when
    result = await client.data(
        CHANGE_PASSWORD,
        {"input": {"currentPassword": account.password, "newPassword": "a brand new password"}},
        token=account.token,
    )
    # then
    assert result["changePassword"]["endedSessions"] == 2
    for token in others:
        assert error_codes(await client.execute(ME, token=token)) == ["UNAUTHENTICATED"]
    assert error_codes(await client.execute(ME, token=account.token)) == []
    old = await client.execute(
        SIGN_IN, {"input": {"login": account.email, "password": account.password}}
    )
    assert error_codes(old) == ["UNAUTHENTICATED"]
    await client.data(
        SIGN_IN, {"input": {"login": account.email, "password": "a brand new password"}}
    )


async def test_change_password_with_wrong_current_changes_nothing(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    # when
    body = await client.execute(
        CHANGE_PASSWORD,
        {"input": {"currentPassword": "not my password", "newPassword": "a brand new password"}},
        token=account.token,
    )
    # then
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "currentPassword"
    await client.data(SIGN_IN, {"input": {"login": account.email, "password": account.password}})


async def test_change_password_rejects_a_short_new_password(client: GraphQLClient) -> None:
    account = await client.sign_up()
    body = await client.execute(
        CHANGE_PASSWORD,
        {"input": {"currentPassword": account.password, "newPassword": "short"}},
        token=account.token,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "newPassword"
