"""requestEmailChange and confirmEmailChange: the token goes to the new address through the
file mailer, the email changes only once it is confirmed, the old address is told."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import text

from tests.support.client import SIGN_UP, GraphQLClient, error_codes
from tests.support.lifecycle import EVENTS, ME, SIGN_IN, mails_to, token_in

REQUEST = """
mutation($e: String!, $p: String!) {
  requestEmailChange(input: {newEmail: $e, password: $p}) { newEmail expiresAt }
}
"""
CONFIRM = "mutation($t: String!) { confirmEmailChange(token: $t) { email } }"


def mail_dir(server: Any) -> Path:
    return Path(server.services.clients.settings.mail_dir)


def new_address() -> str:
    return f"new-{secrets.token_hex(5)}@example.com"


async def test_the_new_address_confirms_and_the_old_one_is_told(
    client: GraphQLClient, server: Any
) -> None:
    # given
    me, address = await client.sign_up(), new_address()
    # when
    asked = await client.data(REQUEST, {"e": address, "p": me.password}, token=me.token)
    before = (await client.data(ME, token=me.token))["me"]["email"]
    [mail] = mails_to(mail_dir(server), address)
    confirmed = await client.data(CONFIRM, {"t": token_in(mail)})
    # then
    assert asked["requestEmailChange"]["newEmail"] == address
    assert before == me.email
    assert mail["Subject"] == "Confirm your new PersonalPod email address"
    assert confirmed["confirmEmailChange"]["email"] == address
    assert (await client.data(ME, token=me.token))["me"]["email"] == address
    [notice] = mails_to(mail_dir(server), me.email)
    assert address in notice.get_content()
    assert (await client.data(SIGN_IN, {"l": address, "p": me.password}))["signIn"]["token"]
    old = await client.execute(SIGN_IN, {"l": me.email, "p": me.password})
    assert error_codes(old) == ["UNAUTHENTICATED"]
    again = await client.execute(CONFIRM, {"t": token_in(mail)})
    assert error_codes(again) == ["BAD_USER_INPUT"]  # a token works once
    events = await client.data(EVENTS, token=me.token)
    types = [e["node"]["type"] for e in events["securityAuditLog"]["edges"]]
    # the try with the old address names no account: it is not in my log
    assert types[:3] == ["SIGN_IN", "EMAIL_CHANGED", "EMAIL_CHANGE_REQUESTED"]


async def test_bad_requests_change_nothing_and_send_nothing(
    client: GraphQLClient, server: Any
) -> None:
    # given
    me, taken, address = await client.sign_up(), await client.sign_up(), new_address()
    # when
    cases = {
        "wrong password": await client.execute(
            REQUEST, {"e": address, "p": "not my password"}, token=me.token
        ),
        "not an email": await client.execute(
            REQUEST, {"e": "nope", "p": me.password}, token=me.token
        ),
        "taken": await client.execute(
            REQUEST, {"e": taken.email.upper(), "p": me.password}, token=me.token
        ),
        "mine already": await client.execute(
            REQUEST, {"e": me.email, "p": me.password}, token=me.token
        ),
    }
    # then
    assert {name: error_codes(body) for name, body in cases.items()} == {
        "wrong password": ["BAD_USER_INPUT"],
        "not an email": ["BAD_USER_INPUT"],
        "taken": ["CONFLICT"],
        "mine already": ["BAD_USER_INPUT"],
    }
    fields = {name: body["errors"][0]["extensions"]["field"] for name, body in cases.items()}
    assert fields == {
        "wrong password": "password",
        "not an email": "newEmail",
        "taken": "newEmail",
        "mine already": "newEmail",
    }
    assert mails_to(mail_dir(server), address) == []
    assert mails_to(mail_dir(server), taken.email) == []
    async with server.services.clients.db() as db:
        pending = await db.execute(
            text("SELECT count(*) FROM email_changes WHERE user_id = :u"), {"u": me.uuid}
        )
        assert pending.scalar_one() == 0


async def test_a_new_request_replaces_the_old_token_and_tokens_expire(
    client: GraphQLClient, server: Any
) -> None:
    # given: two requests, to two addresses
    me, first, second = await client.sign_up(), new_address(), new_address()
    await client.data(REQUEST, {"e": first, "p": me.password}, token=me.token)
    await client.data(REQUEST, {"e": second, "p": me.password}, token=me.token)
    [old] = mails_to(mail_dir(server), first)
    [new] = mails_to(mail_dir(server), second)
    # when: the replaced token, then the live one after it expired, then garbage
    replaced = await client.execute(CONFIRM, {"t": token_in(old)})
    async with server.services.clients.db() as db, db.begin():
        await db.execute(
            text("UPDATE email_changes SET expires_at = now() WHERE user_id = :u"),
            {"u": me.uuid},
        )
    expired = await client.execute(CONFIRM, {"t": token_in(new)})
    garbage = await client.execute(CONFIRM, {"t": "x" * 500})
    # then
    for body in (replaced, expired, garbage):
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert body["errors"][0]["extensions"]["field"] == "token"
    assert (await client.data(ME, token=me.token))["me"]["email"] == me.email


async def test_an_address_taken_before_the_confirmation_is_a_conflict(
    client: GraphQLClient, server: Any
) -> None:
    # given: my pending change to an address someone else then signs up with
    me, address = await client.sign_up(), new_address()
    await client.data(REQUEST, {"e": address, "p": me.password}, token=me.token)
    [mail] = mails_to(mail_dir(server), address)
    someone = {"email": address, "username": f"u_{secrets.token_hex(5)}", "password": "pw" * 5}
    await client.data(SIGN_UP, {"input": someone})
    # when
    late = await client.execute(CONFIRM, {"t": token_in(mail)})
    # then
    assert error_codes(late) == ["CONFLICT"]
    assert (await client.data(ME, token=me.token))["me"]["email"] == me.email
