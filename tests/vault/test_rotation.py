"""Changing a tag's phrase and rotating its data key: the rules that keep them safe."""

from __future__ import annotations

import secrets
from typing import Any

import opaque_ke_py as opaque
from sqlalchemy import text

from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.vault import (
    CREATE_HIDDEN,
    HIDDEN_ENTRIES,
    b64,
    b64url,
    blob,
    login_start,
    register_tag,
    second_device,
    unb64url,
    unlock,
)

ROTATE = """
mutation($tag: ID!, $key: String!) { rotateVaultKey(secretTagId: $tag, wrappedKey: $key) {
  keyVersion version } }
"""
STALE = """
query($tag: ID!) { staleVaultEntries(secretTag: $tag, first: 10) { edges { node { id
  vaultBlob { keyVersion } } } } }
"""
REPLACE = """
mutation($tag: ID!, $blobs: [ReplaceVaultBlobInput!]!) {
  replaceVaultBlobs(secretTagId: $tag, blobs: $blobs) { replacedCount rotationComplete
    secretTag { keyVersion } }
}
"""
CHANGE_START = """
mutation($input: SecretTagPhraseChangeStartInput!) {
  secretTagPhraseChangeStart(input: $input) { id message }
}
"""
CHANGE_FINISH = """
mutation($input: SecretTagPhraseChangeFinishInput!) {
  secretTagPhraseChangeFinish(input: $input) { id version }
}
"""


def _key() -> str:
    return b64(secrets.token_bytes(40))


async def _hidden(client: GraphQLClient, account: Any, tag: Any, version: int = 1) -> str:
    data = await client.data(
        CREATE_HIDDEN, {"tag": tag.id, "blob": blob(version), "input": {}}, token=account.token
    )
    return data["createJournalEntry"]["id"]


async def _key_versions(server: Any, tag_id: str) -> list[int]:
    async with server.services.clients.db() as session:
        found = await session.execute(
            text("SELECT version FROM vault_keys WHERE tag_id::text = :t ORDER BY version"),
            {"t": raw_id(tag_id)},
        )
        return list(found.scalars())


async def test_a_rotation_must_finish_before_the_next_and_keeps_old_keys_until_then(
    client: GraphQLClient, server: Any
) -> None:
    # given
    account = await client.sign_up()
    tag = await register_tag(client, account)
    entries = [await _hidden(client, account, tag) for _ in range(2)]
    # when
    rotated = await client.data(ROTATE, {"tag": tag.id, "key": _key()}, token=account.token)
    again = await client.execute(ROTATE, {"tag": tag.id, "key": _key()}, token=account.token)
    # then
    assert rotated["rotateVaultKey"]["keyVersion"] == 2
    assert error_codes(again) == ["CONFLICT"]
    assert await _key_versions(server, tag.id) == [1, 2]
    stale = await client.data(STALE, {"tag": tag.id}, token=account.token)
    assert {e["node"]["id"] for e in stale["staleVaultEntries"]["edges"]} == set(entries)
    old_version = await client.execute(
        REPLACE,
        {"tag": tag.id, "blobs": [{"entryId": entries[0], "blob": blob(1)}]},
        token=account.token,
    )
    assert error_codes(old_version) == ["BAD_USER_INPUT"]
    half = await client.data(
        REPLACE,
        {"tag": tag.id, "blobs": [{"entryId": entries[0], "blob": blob(2)}]},
        token=account.token,
    )
    assert half["replaceVaultBlobs"]["rotationComplete"] is False
    assert await _key_versions(server, tag.id) == [1, 2]
    done = await client.data(
        REPLACE,
        {"tag": tag.id, "blobs": [{"entryId": entries[1], "blob": blob(2)}]},
        token=account.token,
    )
    assert done["replaceVaultBlobs"] == {
        "replacedCount": 1,
        "rotationComplete": True,
        "secretTag": {"keyVersion": 2},
    }
    assert await _key_versions(server, tag.id) == [2]


async def test_replacing_an_unknown_entry_changes_nothing(
    client: GraphQLClient, server: Any
) -> None:
    account = await client.sign_up()
    tag = await register_tag(client, account)
    entry = await _hidden(client, account, tag)
    await client.data(ROTATE, {"tag": tag.id, "key": _key()}, token=account.token)
    other = await register_tag(client, account, phrase=b"other")
    foreign = await _hidden(client, account, other)
    body = await client.execute(
        REPLACE,
        {
            "tag": tag.id,
            "blobs": [
                {"entryId": entry, "blob": blob(2)},
                {"entryId": foreign, "blob": blob(2)},
            ],
        },
        token=account.token,
    )
    assert error_codes(body) == ["NOT_FOUND"]
    stale = await client.data(STALE, {"tag": tag.id}, token=account.token)
    assert [e["node"]["id"] for e in stale["staleVaultEntries"]["edges"]] == [entry]


async def _change_phrase(
    client: GraphQLClient, account: Any, tag: Any, phrase: bytes, versions: list[int]
) -> dict[str, Any]:
    start = opaque.client_registration_start(phrase)
    started = await client.execute(
        CHANGE_START,
        {"input": {"secretTagId": tag.id, "registrationRequest": b64url(start.get_message())}},
        token=account.token,
    )
    if "errors" in started:
        return started
    step = started["data"]["secretTagPhraseChangeStart"]
    finish = opaque.client_registration_finish(phrase, start.get_state(), unb64url(step["message"]))
    return await client.execute(
        CHANGE_FINISH,
        {
            "input": {
                "phraseChangeId": step["id"],
                "registrationRecord": b64url(finish.get_message()),
                "wrappedKeys": [{"keyVersion": v, "wrappedKey": _key()} for v in versions],
            }
        },
        token=account.token,
    )


async def test_changing_the_phrase_needs_an_open_vault_and_every_key(
    client: GraphQLClient,
) -> None:
    account = await client.sign_up()
    tag = await register_tag(client, account)
    laptop = await second_device(client, account)
    # when: from a device that never unlocked, then without key version 1
    locked = await _change_phrase(client, laptop, tag, b"new phrase", [1])
    missing = await _change_phrase(client, account, tag, b"new phrase", [2])
    # then
    assert error_codes(locked) == ["VAULT_LOCKED"]
    assert error_codes(missing) == ["BAD_USER_INPUT"]
    assert missing["errors"][0]["extensions"]["field"] == "wrappedKeys"
    assert (await unlock(client, account, tag))["secretTagLoginFinish"]  # old phrase still opens


async def test_a_new_phrase_closes_other_vaults_and_the_old_one_fails(
    client: GraphQLClient,
) -> None:
    account = await client.sign_up()
    tag = await register_tag(client, account)
    laptop = await second_device(client, account)
    await unlock(client, laptop, tag)
    # when
    changed = await _change_phrase(client, account, tag, b"new phrase", [1])
    # then
    assert changed["data"]["secretTagPhraseChangeFinish"]["version"] == 2
    listed = await client.execute(HIDDEN_ENTRIES, {"tag": tag.id}, token=laptop.token)
    assert error_codes(listed) == ["VAULT_LOCKED"]
    assert "errors" not in await client.execute(
        HIDDEN_ENTRIES, {"tag": tag.id}, token=account.token
    )
    body, start = await login_start(client, account, tag)  # the old phrase
    started = body["data"]["secretTagLoginStart"]
    try:
        opaque.client_login_finish(tag.phrase, start.get_state(), unb64url(started["message"]))
        opened = True
    except ValueError:
        opened = False
    assert opened is False
    tag.phrase = b"new phrase"
    assert (await unlock(client, account, tag))["secretTagLoginFinish"]["secretTag"]["id"] == tag.id
