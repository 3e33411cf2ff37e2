"""Unlock guesses are limited per tag, per account and per address, on their own counters:
a phrase guesser never locks the owner out of signing in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.client import GraphQLClient, error_codes
from tests.support.security_log import events
from tests.support.vault import SIGN_IN, login_start, register_tag, unlock


@pytest.fixture
def limits(server: Any) -> Iterator[Any]:
    """Small limits for one test; the settings are read on every attempt."""
    vault = server.services.clients.settings.vault
    saved = vault.model_dump()
    yield vault
    for name, value in saved.items():
        setattr(vault, name, value)


async def _guesses(client: GraphQLClient, account: Any, tag: Any, count: int) -> list[list[str]]:
    """`count` unlocks started with a wrong phrase (never finished: the client fails)."""
    return [
        error_codes((await login_start(client, account, tag, phrase=b"wrong"))[0])
        for _ in range(count)
    ]


async def test_wrong_phrases_lock_the_tag_but_not_the_account(
    client: GraphQLClient, limits: Any
) -> None:
    # given
    limits.unlock_limit_per_tag = 3
    account = await client.sign_up()
    tag = await register_tag(client, account)
    other_tag = await register_tag(client, account, phrase=b"other phrase")
    # when
    answers = await _guesses(client, account, tag, 4)
    # then
    assert answers == [[], [], [], ["RATE_LIMITED"]]
    body, _ = await login_start(client, account, tag)
    assert error_codes(body) == ["RATE_LIMITED"]
    assert body["errors"][0]["extensions"]["retryAfter"] >= 1
    signed_in = await client.execute(
        SIGN_IN, {"input": {"login": account.email, "password": account.password}}
    )
    assert "errors" not in signed_in
    assert (await unlock(client, account, other_tag))["secretTagLoginFinish"]["secretTag"]


async def test_a_right_phrase_forgets_the_tags_failures(client: GraphQLClient, limits: Any) -> None:
    limits.unlock_limit_per_tag = 3
    account = await client.sign_up()
    tag = await register_tag(client, account)
    assert await _guesses(client, account, tag, 2) == [[], []]
    await unlock(client, account, tag)
    assert await _guesses(client, account, tag, 3) == [[], [], []]


async def test_failures_across_tags_are_limited_per_account(
    client: GraphQLClient, limits: Any
) -> None:
    limits.unlock_limit_per_account = 4
    account = await client.sign_up()
    first = await register_tag(client, account)
    second = await register_tag(client, account, phrase=b"second phrase")
    answers = await _guesses(client, account, first, 2) + await _guesses(client, account, second, 3)
    assert answers == [[], [], [], [], ["RATE_LIMITED"]]


async def test_attempts_from_one_address_are_limited_whatever_the_account(
    client: GraphQLClient, limits: Any
) -> None:
    limits.unlock_limit_per_address = 3
    one, two = await client.sign_up(), await client.sign_up()
    tag_one, tag_two = await register_tag(client, one), await register_tag(client, two)
    answers = await _guesses(client, one, tag_one, 2) + await _guesses(client, two, tag_two, 2)
    assert answers == [[], [], [], ["RATE_LIMITED"]]
    async with GraphQLClient(client.base_url) as elsewhere:
        assert await _guesses(elsewhere, two, tag_two, 1) == [[]]


async def test_a_tripped_limit_is_one_failed_unlock_event_per_window(
    client: GraphQLClient, limits: Any
) -> None:
    # given: a guesser past the tag's limit, trying on
    limits.unlock_limit_per_tag = 2
    account = await client.sign_up()
    tag = await register_tag(client, account)
    # when
    answers = await _guesses(client, account, tag, 5)
    # then: three refusals, noted once in the owner's security log
    assert answers == [[], [], ["RATE_LIMITED"], ["RATE_LIMITED"], ["RATE_LIMITED"]]
    failed = [
        (e["type"], e["errorCode"])
        for e in await events(client, account)
        if e["type"] == "SECRET_TAG_UNLOCK_FAILED"
    ]
    assert failed == [("SECRET_TAG_UNLOCK_FAILED", "RATE_LIMITED")]
