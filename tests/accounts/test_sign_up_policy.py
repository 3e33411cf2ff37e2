"""SIGN_UP=closed: signUp confirms no registered address, and `personalpod create-account`
is the administrator's way to add accounts."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.cli import personalpod
from tests.support.client import SIGN_UP, GraphQLClient, error_codes

SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { user { username } } }"


@pytest.fixture
def close_sign_up(server: Any) -> Iterator[Any]:
    """Closes sign-up when called (SIGN_UP is read per request); open again after the test."""
    settings = server.services.clients.settings
    yield lambda: setattr(settings, "sign_up", "closed")
    settings.sign_up = "open"


def new_account() -> dict[str, str]:
    tag = secrets.token_hex(5)
    return {"email": f"new-{tag}@example.com", "username": f"new_{tag}", "password": "p" * 12}


async def test_closed_sign_up_answers_taken_and_free_emails_alike(
    client: GraphQLClient, close_sign_up: Any
) -> None:
    # given: one registered account, then sign-up closed
    free = new_account()
    taken = {**new_account(), "email": (await registered(client))["email"]}
    close_sign_up()
    # when
    answers = [await client.execute(SIGN_UP, {"input": values}) for values in (free, taken)]
    # then: the same refusal, word for word
    assert [error_codes(a) for a in answers] == [["FORBIDDEN"], ["FORBIDDEN"]]
    assert answers[0]["errors"][0]["message"] == answers[1]["errors"][0]["message"]


async def test_create_account_adds_an_account_while_sign_up_is_closed(
    client: GraphQLClient, service_env: dict[str, str], close_sign_up: Any
) -> None:
    close_sign_up()
    account = new_account()
    result = create_account(account, service_env)
    assert result.returncode == 0, result.stderr
    assert f"created {account['username']}" in result.stdout
    login = {"login": account["email"], "password": account["password"]}
    signed_in = await client.data(SIGN_IN, {"input": login})
    assert signed_in["signIn"]["user"]["username"] == account["username"]


async def test_create_account_refuses_a_taken_email_in_one_line(
    client: GraphQLClient, service_env: dict[str, str]
) -> None:
    taken = {**new_account(), "email": (await registered(client))["email"]}
    result = create_account(taken, service_env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "personalpod: An account with this email already exists. Nothing was created."
    ]


def create_account(account: dict[str, str], env: dict[str, str]) -> Any:
    """`personalpod create-account` with the password on stdin."""
    return personalpod(
        "create-account",
        *("--email", account["email"], "--username", account["username"]),
        "--password-stdin",
        env=env,
        stdin=account["password"] + "\n",
    )


async def registered(client: GraphQLClient) -> dict[str, str]:
    account = await client.sign_up()
    return {"email": account.email}
