"""`personalpod purge-account`: an operator's deletion, after the grace period or at once
with --now, printing each step's count and the verification per store."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import text

from datastore.lifecycle.service import AccountPurger
from tests.support.cli import personalpod
from tests.support.client import GraphQLClient, error_codes
from tests.support.lifecycle import ME, SIGN_IN
from tests.support.pod import create_entry


async def purge_account(service_env: dict[str, str], *args: str) -> Any:
    return await asyncio.to_thread(personalpod, "purge-account", *args, env=service_env)


async def test_purge_now_erases_every_store_and_says_what_is_left(
    client: GraphQLClient, server: Any, service_env: dict[str, str], purge_job: AccountPurger
) -> None:
    # given
    me = await client.sign_up()
    await create_entry(client, me, title="Operator deletes me")
    # when
    result = await purge_account(service_env, "--user", me.email, "--now")
    # then
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"personalpod: {me.email}: purging every store"
    assert "  postgres entries.user_id: 1" in lines
    assert "  left in every store (verified): 0" in lines
    assert lines[-1] == (
        f"personalpod: verified: left of {me.email}: postgres 0, dynamodb 0, redis 0, blobs 0"
    )
    assert error_codes(await client.execute(ME, token=me.token)) == ["UNAUTHENTICATED"]
    assert (await purge_job.verify(uuid.UUID(me.uuid), set())).total == 0


async def test_purge_without_now_waits_for_the_grace_period(
    client: GraphQLClient, server: Any, service_env: dict[str, str], purge_job: AccountPurger
) -> None:
    # given
    me = await client.sign_up()
    # when
    result = await purge_account(service_env, "--user", me.username)
    # then: signed out and refused, still restorable
    assert result.returncode == 0, result.stderr
    assert "signed out everywhere; purged after" in result.stderr
    assert error_codes(await client.execute(ME, token=me.token)) == ["UNAUTHENTICATED"]
    refused = await client.execute(SIGN_IN, {"l": me.email, "p": me.password})
    assert refused["errors"][0]["extensions"]["accountState"] == "PENDING_DELETION"
    async with server.services.clients.db() as db:
        state = await db.execute(
            text("SELECT account_state FROM users WHERE id = :u"), {"u": me.uuid}
        )
        assert state.scalar_one() == "PENDING_DELETION"


async def test_an_unknown_account_is_one_line_and_changes_nothing(
    service_env: dict[str, str],
) -> None:
    # when
    result = await purge_account(service_env, "--user", "nobody-at-all@example.com", "--now")
    # then
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "personalpod: no account 'nobody-at-all@example.com'; nothing was changed."
    ]
