"""signIn / signOut: by email or username, audited, rate limited."""

from __future__ import annotations

from sqlalchemy import select

from datastore.audit.tables import AuditLog
from tests.support.client import GraphQLClient, error_codes

SIGN_IN = """
mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { token user { id } session { id deviceName } }
}
"""
SIGN_OUT = "mutation { signOut }"
ME = "query { me { id } }"
SECURITY_EVENTS = "query { securityEvents(first: 50) { edges { node { action ip userAgent } } } }"


async def test_sign_in_by_email_or_username_in_any_case(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    # when
    for login in (account.email.upper(), account.username.upper()):
        result = await client.data(
            SIGN_IN, {"input": {"login": login, "password": account.password}}
        )
        # then
        assert result["signIn"]["user"]["id"] == account.user_id
        me = await client.data(ME, token=result["signIn"]["token"])
        assert me["me"]["id"] == account.user_id


async def test_sign_in_with_wrong_password_is_unauthenticated_and_audited(
    client: GraphQLClient, server
) -> None:
    # given
    account = await client.sign_up()
    # when
    body = await client.execute(
        SIGN_IN, {"input": {"login": account.email, "password": "wrong password"}}
    )
    # then
    assert error_codes(body) == ["UNAUTHENTICATED"]
    events = await client.data(SECURITY_EVENTS, token=account.token)
    actions = [e["node"]["action"] for e in events["securityEvents"]["edges"]]
    assert actions == ["FAILED_LOGIN", "LOGIN", "SIGN_UP"]
    assert events["securityEvents"]["edges"][0]["node"]["ip"] == client.address


async def test_unknown_account_gets_the_same_error_and_is_audited_without_the_login(
    client: GraphQLClient, server
) -> None:
    # when
    body = await client.execute(
        SIGN_IN, {"input": {"login": "nobody-xyz@example.com", "password": "whatever123"}}
    )
    # then
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == "Wrong email, username or password."
    async with server.services.clients.db() as db:
        row = (
            await db.execute(
                select(AuditLog).where(
                    AuditLog.action == "FAILED_LOGIN",
                    AuditLog.user_id.is_(None),
                    AuditLog.ip == client.address,
                )
            )
        ).scalar_one()
    assert "nobody" not in str(row.details)
    assert len(row.details["loginHash"]) == 64


async def test_sign_out_ends_the_session_and_is_audited(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    second = await client.data(
        SIGN_IN, {"input": {"login": account.email, "password": account.password}}
    )
    token = second["signIn"]["token"]
    # when
    assert (await client.data(SIGN_OUT, token=token)) == {"signOut": True}
    # then
    assert error_codes(await client.execute(ME, token=token)) == ["UNAUTHENTICATED"]
    events = await client.data(SECURITY_EVENTS, token=account.token)
    assert [e["node"]["action"] for e in events["securityEvents"]["edges"]][:2] == [
        "LOGOUT",
        "LOGIN",
    ]


async def test_failed_sign_ins_are_rate_limited_per_account(
    client: GraphQLClient, migrated, server
) -> None:
    # given
    account = await client.sign_up()
    wrong = {"input": {"login": account.username, "password": "wrong password"}}
    for _ in range(migrated.sign_in_limit_per_account):
        # each attempt from a different address, so only the account limit applies
        async with GraphQLClient(server.url) as elsewhere:
            assert error_codes(await elsewhere.execute(SIGN_IN, wrong)) == ["UNAUTHENTICATED"]
    # when: even the right password is refused now
    right = {"input": {"login": account.email, "password": account.password}}
    async with GraphQLClient(server.url) as elsewhere:
        body = await elsewhere.execute(
            SIGN_IN, {"input": {"login": account.username, "password": account.password}}
        )
        by_email = await elsewhere.execute(SIGN_IN, right)
    # then
    assert error_codes(body) == ["RATE_LIMITED"]
    assert 0 < body["errors"][0]["extensions"]["retryAfter"] <= migrated.sign_in_window_seconds
    # the limit is the account's, whichever login names it
    assert error_codes(by_email) == ["RATE_LIMITED"]


async def test_sign_in_attempts_are_rate_limited_per_address(
    client: GraphQLClient, migrated
) -> None:
    # given
    attempt = {"input": {"login": "someone@example.com", "password": "wrong password"}}
    for _ in range(migrated.sign_in_limit_per_address):
        await client.execute(SIGN_IN, attempt)
    # when
    body = await client.execute(SIGN_IN, attempt)
    # then
    assert error_codes(body) == ["RATE_LIMITED"]
    assert body["errors"][0]["extensions"]["retryAfter"] > 0


async def test_empty_login_is_bad_input(client: GraphQLClient) -> None:
    body = await client.execute(SIGN_IN, {"input": {"login": "  ", "password": "whatever1"}})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "login"
