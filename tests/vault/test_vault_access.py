"""What an open vault allows, on which device, for how long; hidden entries' input rules,
paging, and statement counts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.vault import (
    CREATE_HIDDEN,
    HIDDEN_ENTRIES,
    blob,
    register_tag,
    second_device,
    unlock,
)

VAULT_SESSIONS = """
query($first: Int, $after: String) {
  vaultSessions(first: $first, after: $after) {
    edges { node { id current deviceSessionId secretTag { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
CLOSE = "mutation($id: ID!) { closeVault(id: $id) { deletedId } }"
SECRET_TAGS_PAGE = """
query($first: Int) { secretTags(first: $first) { edges { node { id name } } } }
"""


async def _hidden(client: GraphQLClient, account: Any, tag: Any, **blob_values: Any) -> dict:
    return await client.execute(
        CREATE_HIDDEN,
        {"tag": tag.id, "blob": blob(**blob_values), "input": {}},
        token=account.token,
    )


async def _vault_rows(server: Any, tag_id: str) -> int:
    async with server.services.clients.db() as session:
        found = await session.execute(
            text("SELECT count(*) FROM vault_entries WHERE tag_id::text = :t"),
            {"t": raw_id(tag_id)},
        )
        return found.scalar_one()


async def test_hidden_entries_page_while_the_vault_is_open(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    tag = await register_tag(client, account)  # registering opens the vault here
    created = [await _hidden(client, account, tag) for _ in range(3)]
    # when
    first = await client.data(HIDDEN_ENTRIES, {"tag": tag.id, "first": 2}, token=account.token)
    cursor = first["journalEntries"]["pageInfo"]["endCursor"]
    rest = await client.data(
        HIDDEN_ENTRIES, {"tag": tag.id, "first": 2, "after": cursor}, token=account.token
    )
    # then
    pages = first["journalEntries"]["edges"] + rest["journalEntries"]["edges"]
    assert first["journalEntries"]["pageInfo"]["hasNextPage"] is True
    assert rest["journalEntries"]["pageInfo"]["hasNextPage"] is False
    assert {e["node"]["id"] for e in pages} == {
        c["data"]["createJournalEntry"]["id"] for c in created
    }
    sent = created[0]["data"]["createJournalEntry"]["vaultBlob"]
    assert sent["size"] == 64 and sent["keyVersion"] == 1
    assert all(e["node"]["content"] == "" for e in pages)


async def test_another_device_session_sees_vault_locked_until_it_unlocks(
    client: GraphQLClient,
) -> None:
    account = await client.sign_up()
    tag = await register_tag(client, account)
    laptop = await second_device(client, account)
    # when
    listed = await client.execute(HIDDEN_ENTRIES, {"tag": tag.id}, token=laptop.token)
    created = await _hidden(client, laptop, tag)
    # then
    assert error_codes(listed) == ["VAULT_LOCKED"]
    assert error_codes(created) == ["VAULT_LOCKED"]
    await unlock(client, laptop, tag)
    assert "errors" not in await client.execute(HIDDEN_ENTRIES, {"tag": tag.id}, token=laptop.token)


async def test_closing_a_vault_locks_it_and_lists_it_no_more(client: GraphQLClient) -> None:
    account = await client.sign_up()
    tag = await register_tag(client, account, name="Letters")
    laptop = await second_device(client, account)
    await unlock(client, laptop, tag)
    sessions = await client.data(VAULT_SESSIONS, {"first": 1}, token=account.token)
    newest = sessions["vaultSessions"]["edges"][0]["node"]
    assert newest["current"] is False  # the laptop's, listed from the first device
    assert newest["deviceSessionId"] == laptop.session_id
    assert newest["secretTag"]["name"] == "Letters"
    assert sessions["vaultSessions"]["pageInfo"]["hasNextPage"] is True
    # when: the first device closes the laptop's vault
    await client.data(CLOSE, {"id": newest["id"]}, token=account.token)
    # then
    listed = await client.execute(HIDDEN_ENTRIES, {"tag": tag.id}, token=laptop.token)
    assert error_codes(listed) == ["VAULT_LOCKED"]
    left = await client.data(VAULT_SESSIONS, {}, token=account.token)
    assert [e["node"]["current"] for e in left["vaultSessions"]["edges"]] == [True]
    again = await client.execute(CLOSE, {"id": newest["id"]}, token=account.token)
    assert error_codes(again) == ["NOT_FOUND"]


async def test_an_expired_vault_session_is_locked(client: GraphQLClient, server: Any) -> None:
    account = await client.sign_up()
    tag = await register_tag(client, account)
    async with server.services.clients.db() as session, session.begin():
        await session.execute(
            text("UPDATE vault_sessions SET expires_at = now() WHERE tag_id::text = :t"),
            {"t": raw_id(tag.id)},
        )
    listed = await client.execute(HIDDEN_ENTRIES, {"tag": tag.id}, token=account.token)
    assert error_codes(listed) == ["VAULT_LOCKED"]
    assert (await client.data(VAULT_SESSIONS, {}, token=account.token))["vaultSessions"][
        "edges"
    ] == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"input": {"content": "plain words"}}, "content"),
        ({"input": {"title": "a title"}}, "title"),
        ({"input": {"mood": 3}}, "mood"),
        ({"blob": None}, "vaultBlob"),
        ({"tag": None}, "secretTagId"),
        ({"blob": {**blob(), "nonce": "AAAA"}}, "nonce"),
        ({"blob": {**blob(), "ciphertext": "not base64!"}}, "ciphertext"),
        ({"blob": blob(key_version=2)}, "keyVersion"),
        ({"blob": {**blob(), "contentType": "text"}}, "contentType"),
    ],
)
async def test_bad_hidden_entries_are_bad_user_input_and_store_nothing(
    client: GraphQLClient, server: Any, values: dict, field: str
) -> None:
    account = await client.sign_up()
    tag = await register_tag(client, account)
    variables = {"tag": tag.id, "blob": blob(), "input": {}, **values}
    body = await client.execute(CREATE_HIDDEN, variables, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"]["field"] == field
    assert await _vault_rows(server, tag.id) == 0


async def test_blob_size_and_entries_per_tag_are_limited(
    client: GraphQLClient, server: Any
) -> None:
    vault = server.services.clients.settings.vault
    saved = (vault.max_blob_bytes, vault.max_entries_per_tag)
    vault.max_blob_bytes, vault.max_entries_per_tag = 100, 2
    try:
        account = await client.sign_up()
        tag = await register_tag(client, account)
        too_big = await _hidden(client, account, tag, size=101)
        assert error_codes(too_big) == ["BAD_USER_INPUT"]
        assert too_big["errors"][0]["extensions"]["field"] == "ciphertext"
        for _ in range(2):
            assert "errors" not in await _hidden(client, account, tag, size=100)
        full = await _hidden(client, account, tag)
        assert error_codes(full) == ["CONFLICT"]
        assert await _vault_rows(server, tag.id) == 2
    finally:
        vault.max_blob_bytes, vault.max_entries_per_tag = saved


async def test_hidden_entries_take_the_same_statements_for_2_and_12_rows(
    client: GraphQLClient,
) -> None:
    # given
    account = await client.sign_up()
    tag = await register_tag(client, account)
    for _ in range(12):
        await _hidden(client, account, tag)
    query = HIDDEN_ENTRIES.replace("size }", "size } tags { edges { node { id } } }")
    # when
    small = await client.count_statements(query, {"tag": tag.id, "first": 2}, token=account.token)
    large = await client.count_statements(query, {"tag": tag.id, "first": 12}, token=account.token)
    # then
    assert small == large


async def test_tags_and_vault_sessions_take_the_same_statements_for_1_and_5_rows(
    client: GraphQLClient,
) -> None:
    account = await client.sign_up()
    for n in range(5):
        await register_tag(client, account, phrase=f"phrase {n}".encode(), name=f"t{n}")
    for name, query in (("secretTags", SECRET_TAGS_PAGE), ("vaultSessions", VAULT_SESSIONS)):
        small = await client.count_statements(query, {"first": 1}, token=account.token)
        large = await client.count_statements(query, {"first": 5}, token=account.token)
        assert small == large, name
