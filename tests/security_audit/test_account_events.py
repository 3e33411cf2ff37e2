"""Account events reach the signed security audit log, and `securityAuditLog` shows each
user their own, newest first, with no personal data stored raw."""

from __future__ import annotations

import asyncio
import base64
import secrets
from typing import Any

from sqlalchemy import text

from datastore.security_audit.chain import keyed_hash
from tests.support.cli import personalpod
from tests.support.client import Account, GraphQLClient, error_codes
from tests.support.security_log import EVENTS, events

SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { token session { id } } }"
SIGN_OUT = "mutation { signOut }"
REVOKE = "mutation($id: ID!) { revokeSession(id: $id) }"
CHANGE_PASSWORD = (
    "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { endedSessions } }"
)


async def sign_in(client: GraphQLClient, account: Account, password: str | None = None) -> dict:
    variables = {"i": {"login": account.email, "password": password or account.password}}
    return await client.execute(SIGN_IN, variables)


async def test_sign_ins_failures_and_sign_outs_show_newest_first(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    second = (await sign_in(client, account))["data"]["signIn"]["token"]
    failed = await sign_in(client, account, "wrong password")
    await client.data(SIGN_OUT, token=second)
    # when
    mine = await events(client, account)
    # then
    assert error_codes(failed) == ["UNAUTHENTICATED"]
    assert [(e["type"], e["success"], e["errorCode"]) for e in mine] == [
        ("SIGN_OUT", True, None),
        ("SIGN_IN_FAILED", False, "WRONG_PASSWORD"),
        ("SIGN_IN", True, None),
        ("SIGN_IN", True, None),  # signing up opens the first session
    ]
    assert [e["category"] for e in mine] == ["SESSION", *["AUTHENTICATION"] * 3]
    assert mine[1]["severity"] == "WARNING" and mine[0]["severity"] == "INFO"
    assert mine[1]["message"] == "Sign-in failed: wrong password."


async def test_an_unknown_login_and_a_wrong_password_answer_alike_but_are_logged_apart(
    client: GraphQLClient, server: Any
) -> None:
    # given
    account = await client.sign_up()
    stranger = Account("", "", "", f"nobody-{secrets.token_hex(4)}@example.com", "", "x")
    # when
    wrong = await sign_in(client, account, "wrong password")
    unknown = await sign_in(client, stranger, "wrong password")
    # then: the caller cannot tell them apart
    assert wrong["errors"] == unknown["errors"]
    rows = await rows_from(server, client.address)
    assert [(r["event_type"], r["error_code"], r["user_hash"] is None) for r in rows[-2:]] == [
        ("SIGN_IN_FAILED", "WRONG_PASSWORD", False),
        ("SIGN_IN_FAILED", "UNKNOWN_LOGIN", True),
    ]


async def test_revocations_and_password_changes_are_logged(client: GraphQLClient) -> None:
    # given: three more sessions
    account = await client.sign_up()
    others = [(await sign_in(client, account))["data"]["signIn"] for _ in range(3)]
    # when
    await client.data(REVOKE, {"id": others[0]["session"]["id"]}, token=account.token)
    wrong = await client.execute(
        CHANGE_PASSWORD,
        {"i": {"currentPassword": "not it at all", "newPassword": "a new password 1"}},
        token=account.token,
    )
    changed = await client.data(
        CHANGE_PASSWORD,
        {"i": {"currentPassword": account.password, "newPassword": "a new password 1"}},
        token=account.token,
    )
    # then
    assert error_codes(wrong) == ["BAD_USER_INPUT"]
    assert changed["changePassword"]["endedSessions"] == 2
    newest = (await events(client, account))[:5]
    assert [(e["type"], e["success"]) for e in newest] == [
        ("SESSION_REVOKED", True),
        ("SESSION_REVOKED", True),
        ("PASSWORD_CHANGED", True),
        ("PASSWORD_CHANGED", False),
        ("SESSION_REVOKED", True),
    ]
    change = newest[2]["correlationId"]
    assert change and {e["correlationId"] for e in newest[:3]} == {change}
    assert newest[3]["errorCode"] == "WRONG_PASSWORD" and newest[4]["correlationId"] is None


async def test_another_users_events_never_appear(client: GraphQLClient) -> None:
    # given: A and B, and failed sign-ins on A's account from B's client
    a = await client.sign_up()
    async with GraphQLClient(client.base_url) as elsewhere:
        b = await elsewhere.sign_up()
        for _ in range(2):
            await sign_in(elsewhere, a, "wrong password")
        # when
        b_events = await events(elsewhere, b)
    a_events = await events(client, a)
    # then
    assert [e["type"] for e in b_events] == ["SIGN_IN"]
    assert [e["type"] for e in a_events] == ["SIGN_IN_FAILED", "SIGN_IN_FAILED", "SIGN_IN"]


async def test_pages_follow_each_other_without_gaps(client: GraphQLClient) -> None:
    # given: five events
    account = await client.sign_up()
    for _ in range(4):
        await sign_in(client, account)
    # when
    first = await client.data(EVENTS, {"first": 2}, token=account.token)
    page = first["securityAuditLog"]
    rest = await client.data(
        EVENTS, {"first": 10, "after": page["pageInfo"]["endCursor"]}, token=account.token
    )
    # then
    assert page["pageInfo"]["hasNextPage"] is True
    assert len(rest["securityAuditLog"]["edges"]) == 3
    assert rest["securityAuditLog"]["pageInfo"]["hasNextPage"] is False
    times = [e["node"]["createdAt"] for e in page["edges"] + rest["securityAuditLog"]["edges"]]
    assert times == sorted(times, reverse=True)


async def test_a_foreign_cursor_is_bad_user_input(client: GraphQLClient) -> None:
    account = await client.sign_up()
    body = await client.execute(EVENTS, {"after": "bm90LWEtY3Vyc29y"}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "after"


async def test_no_personal_data_is_stored_raw(client: GraphQLClient, server: Any) -> None:
    # given: events with a recognisable user agent, from a known address
    agent = f"pp-test-agent/{secrets.token_hex(4)}"
    account = await client.sign_up()
    variables = {"i": {"login": account.email, "password": "wrong password"}}
    await client.post(SIGN_IN, variables, headers={"user-agent": agent})
    response = await client.post(
        SIGN_IN,
        {"i": {"login": account.email, "password": account.password}},
        headers={"user-agent": agent},
    )
    session_id = response.json()["data"]["signIn"]["session"]["id"]
    # when
    rows = await rows_from(server, client.address)
    stored = "\n".join(str(row) for row in rows)
    # then: none of them in any column, as text or bytes
    raw_session = base64.b64decode(session_id).decode().split(":", 1)[1]
    for value in (agent, client.address, account.uuid, raw_session, account.email):
        assert value not in stored and value.encode().hex() not in stored
    keys = server.services.security_audit.keys
    assert rows[-1]["user_agent_hash"] == keyed_hash(keys.hash_key, "user_agent", agent)
    assert rows[-1]["user_hash"] == keyed_hash(keys.hash_key, "user", account.uuid)
    assert rows[-1]["session_hash"] == keyed_hash(keys.hash_key, "session", raw_session)


async def test_the_live_log_verifies(client: GraphQLClient, service_env: dict[str, str]) -> None:
    # given
    account = await client.sign_up()
    await sign_in(client, account, "wrong password")
    # when
    result = await asyncio.to_thread(personalpod, "verify-audit", env=service_env)
    # then
    assert result.returncode == 0, result.stderr
    assert "security audit log verified:" in result.stdout


async def rows_from(server: Any, address: str) -> list[dict[str, Any]]:
    """Every stored column of the rows recorded for requests from `address`, oldest first."""
    keys = server.services.security_audit.keys
    ip_hash = keyed_hash(keys.hash_key, "ip", address)
    async with server.services.clients.db() as db:
        result = await db.execute(
            text("SELECT * FROM security_audit_logs WHERE ip_hash = :ip ORDER BY id"),
            {"ip": ip_hash},
        )
        return [dict(row._mapping) for row in result]
