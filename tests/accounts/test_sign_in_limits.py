"""signIn limits hold under concurrency and forged addresses, and never lock out the owner."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import pytest
import uvicorn
from sqlalchemy import func, select

from datastore.audit.tables import AuditLog
from datastore.kit.settings import Settings
from server.cli import uvicorn_options
from tests.support.client import GraphQLClient, error_codes
from tests.support.ports import free_port
from tests.support.uvicorn_server import running

SIGN_IN = """
mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { token user { id } }
}
"""


async def failed_logins(server, user_id: str) -> int:
    async with server.services.clients.db() as db:
        return (
            await db.execute(
                select(func.count())
                .select_from(AuditLog)
                .where(AuditLog.action == "FAILED_LOGIN", AuditLog.user_id == uuid.UUID(user_id))
            )
        ).scalar_one()


@pytest.fixture
async def default_proxy_server(server) -> AsyncIterator[str]:
    """The same app behind a uvicorn configured as `personalpod serve` is by default."""
    defaults = Settings.model_fields["forwarded_allow_ips"].default
    settings = server.services.clients.settings.model_copy(update={"forwarded_allow_ips": defaults})
    port = free_port()
    config = uvicorn.Config(
        server.app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        **uvicorn_options(settings),
    )
    async with running(config):
        yield f"http://127.0.0.1:{port}"


async def test_concurrent_wrong_passwords_reach_the_check_at_most_the_limit(
    client: GraphQLClient, migrated, server
) -> None:
    # given
    account = await client.sign_up()
    wrong = {"input": {"login": account.email, "password": "wrong password"}}
    limit = migrated.sign_in_limit_per_account_and_address
    # when: 40 guesses at once from one address
    async with GraphQLClient(server.url) as attacker:
        bodies = await asyncio.gather(*(attacker.execute(SIGN_IN, wrong) for _ in range(40)))
    # then: only `limit` of them had the password checked, the rest were refused first
    codes = Counter(code for body in bodies for code in error_codes(body))
    assert codes == {"UNAUTHENTICATED": limit, "RATE_LIMITED": 40 - limit}
    assert await failed_logins(server, account.uuid) == limit


async def test_an_attacker_exhausting_the_limit_does_not_lock_out_the_owner(
    client: GraphQLClient, migrated, server
) -> None:
    # given: an attacker from one address uses up every guess it gets
    account = await client.sign_up()
    wrong = {"input": {"login": account.username, "password": "wrong password"}}
    async with GraphQLClient(server.url) as attacker:
        for _ in range(migrated.sign_in_limit_per_account_and_address):
            assert error_codes(await attacker.execute(SIGN_IN, wrong)) == ["UNAUTHENTICATED"]
        right = {"input": {"login": account.email, "password": account.password}}
        assert error_codes(await attacker.execute(SIGN_IN, right)) == ["RATE_LIMITED"]
        # when: the owner signs in from their own address
        async with GraphQLClient(server.url) as owner:
            result = await owner.data(SIGN_IN, right)
    # then
    assert result["signIn"]["user"]["id"] == account.user_id


async def test_a_success_forgets_the_failures_of_that_address(
    client: GraphQLClient, migrated, server
) -> None:
    # given: the owner mistypes all but one of their guesses, then gets it right
    account = await client.sign_up()
    wrong = {"input": {"login": account.email, "password": "wrong password"}}
    right = {"input": {"login": account.email, "password": account.password}}
    async with GraphQLClient(server.url) as owner:
        for _ in range(migrated.sign_in_limit_per_account_and_address - 1):
            assert error_codes(await owner.execute(SIGN_IN, wrong)) == ["UNAUTHENTICATED"]
        await owner.data(SIGN_IN, right)
        # when: they mistype again
        again = [await owner.execute(SIGN_IN, wrong) for _ in range(2)]
    # then: they still get their full allowance
    assert [error_codes(body) for body in again] == [["UNAUTHENTICATED"]] * 2


async def test_forged_forwarded_for_does_not_reset_the_address_limit(
    default_proxy_server: str, migrated
) -> None:
    # given: a client connecting directly, naming a new address in every request
    limit = migrated.sign_in_limit_per_address

    def attempt() -> dict:
        login = f"nobody-{secrets.token_hex(6)}@example.com"
        return {"input": {"login": login, "password": "wrong password"}}

    async with GraphQLClient(default_proxy_server) as direct:
        for i in range(limit):
            forged = {"x-forwarded-for": f"198.51.100.{i % 250}"}
            await direct.execute(SIGN_IN, attempt(), headers=forged)
        # when
        body = await direct.execute(SIGN_IN, attempt(), headers={"x-forwarded-for": "192.0.2.1"})
    # then: the server counted them all against the address it really saw
    assert error_codes(body) == ["RATE_LIMITED"]


async def test_behind_a_trusted_proxy_the_right_most_untrusted_address_counts(
    migrated, server
) -> None:
    # given: the test server trusts loopback as its proxy, which appends the address it saw
    limit = migrated.sign_in_limit_per_address
    seen = f"2001:db8::{secrets.token_hex(2)}"

    def attempt() -> dict:
        login = f"nobody-{secrets.token_hex(6)}@example.com"
        return {"input": {"login": login, "password": "wrong password"}}

    async with GraphQLClient(server.url, address=seen) as client:
        for i in range(limit):
            forged = {"x-forwarded-for": f"198.51.100.{i % 250}, {seen}"}
            await client.execute(SIGN_IN, attempt(), headers=forged)
        # when
        body = await client.execute(
            SIGN_IN, attempt(), headers={"x-forwarded-for": f"192.0.2.1, {seen}"}
        )
    # then
    assert error_codes(body) == ["RATE_LIMITED"]
