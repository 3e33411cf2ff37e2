"""Every step of a secret tag lands in the owner's signed security audit log: registration,
unlocks and failed unlocks, vaults opened and closed, phrase change, key rotation and
deletion; with no phrase or tag name in any message, and the chain still verifying."""

from __future__ import annotations

import asyncio
import base64
import secrets
from typing import Any

import opaque_ke_py as opaque

from tests.support.cli import personalpod
from tests.support.client import GraphQLClient, error_codes
from tests.support.security_log import events
from tests.support.vault import (
    LOGIN_FINISH,
    PyTag,
    b64url,
    login_start,
    register_tag,
    unlock,
)

VAULT_CATEGORIES = {"SECRET_TAG", "VAULT"}
CLOSE = "mutation($id: ID!) { closeVault(id: $id) { deletedId } }"
ROTATE = """
mutation($t: ID!, $k: String!) { rotateVaultKey(secretTagId: $t, wrappedKey: $k) { keyVersion } }
"""
DELETE = "mutation($id: ID!) { deleteSecretTag(id: $id) { keysDeleted } }"


def vault_events(mine: list[dict[str, Any]]) -> list[tuple[str, bool, str | None]]:
    """The vault's events, oldest first, as (type, success, errorCode)."""
    return [
        (e["type"], e["success"], e["errorCode"])
        for e in reversed(mine)
        if e["category"] in VAULT_CATEGORIES
    ]


async def forged_proof(client: GraphQLClient, account: Any, tag: PyTag) -> dict[str, Any]:
    """An unlock finished with bytes that prove no phrase (an honest client fails on its
    own side with a wrong phrase and never sends a finish)."""
    body, _ = await login_start(client, account, tag, b"not the phrase")
    started = body["data"]["secretTagLoginStart"]
    variables = {"loginId": started["id"], "finishLoginRequest": b64url(secrets.token_bytes(64))}
    return await client.execute(LOGIN_FINISH, {"input": variables}, token=account.token)


async def test_each_vault_step_is_a_security_event_of_its_owner(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    other = await client.sign_up()
    phrase = b"owl " + secrets.token_hex(8).encode()
    # when: register, fail once, unlock, close, rotate, delete
    tag = await register_tag(client, account, phrase, name="Confidential name")
    failed = await forged_proof(client, account, tag)
    opened = await unlock(client, account, tag)
    vault_id = opened["secretTagLoginFinish"]["vaultSession"]["id"]
    await client.data(CLOSE, {"id": vault_id}, token=account.token)
    await unlock(client, account, tag)
    key = base64.b64encode(secrets.token_bytes(40)).decode()
    await client.data(ROTATE, {"t": tag.id, "k": key}, token=account.token)
    await client.data(DELETE, {"id": tag.id}, token=account.token)
    mine = await events(client, account)
    # then
    assert error_codes(failed) == ["BAD_USER_INPUT"]
    assert vault_events(mine) == [
        ("SECRET_TAG_REGISTERED", True, None),
        ("VAULT_OPENED", True, None),
        ("SECRET_TAG_UNLOCK_FAILED", False, "WRONG_PHRASE"),
        ("SECRET_TAG_UNLOCKED", True, None),
        ("VAULT_OPENED", True, None),
        ("VAULT_CLOSED", True, None),
        ("SECRET_TAG_UNLOCKED", True, None),
        ("VAULT_OPENED", True, None),
        ("SECRET_TAG_ROTATED", True, None),
        ("SECRET_TAG_DELETED", True, None),
    ]
    # the tag event and the vault it opened share a correlation id
    registered, vault_opened = [e for e in reversed(mine) if e["category"] in VAULT_CATEGORIES][:2]
    assert (
        registered["correlationId"] and registered["correlationId"] == vault_opened["correlationId"]
    )
    text = str(mine)
    assert phrase.decode() not in text and "Confidential name" not in text
    # and: nobody else sees them
    assert vault_events(await events(client, other)) == []


async def test_an_unlock_of_an_unknown_tag_is_a_failed_event(client: GraphQLClient) -> None:
    # given: a lookup hash no tag has
    account = await client.sign_up()
    await register_tag(client, account)
    lookup = base64.b64encode(secrets.token_bytes(32)).decode()
    start = "mutation($i: SecretTagLoginStartInput!) { secretTagLoginStart(input: $i) { id } }"
    # when
    body = await client.execute(
        start,
        {"i": {"lookupHash": lookup, "startLoginRequest": await _login_request()}},
        token=account.token,
    )
    # then
    assert error_codes(body) == ["NOT_FOUND"]
    assert vault_events(await events(client, account))[-1] == (
        "SECRET_TAG_UNLOCK_FAILED",
        False,
        "UNKNOWN_TAG",
    )


async def test_the_chain_verifies_after_vault_events(client: GraphQLClient, service_env) -> None:
    # given
    account = await client.sign_up()
    tag = await register_tag(client, account)
    await forged_proof(client, account, tag)
    await unlock(client, account, tag)
    # when
    result = await asyncio.to_thread(personalpod, "verify-audit", env=service_env)
    # then
    assert result.returncode == 0, result.stderr
    assert "verified" in result.stdout


async def _login_request() -> str:
    return b64url(opaque.client_login_start(b"anything").get_message())
