"""Another user holding my secret tag's, vault session's and hidden entries' ids learns and
changes nothing: NOT_FOUND (null in `node`), never FORBIDDEN; my vault stays as it was."""

from __future__ import annotations

from typing import Any

import opaque_ke_py as opaque
import pytest

from tests.support.client import GraphQLClient, error_codes
from tests.support.vault import (
    CREATE_HIDDEN,
    HIDDEN_ENTRIES,
    SECRET_TAGS,
    b64,
    b64url,
    blob,
    register_tag,
)

VAULT_SESSIONS = "{ vaultSessions { edges { node { id } } } }"
DOORS: dict[str, tuple[str, Any]] = {
    "journalEntries(secretTag:)": (
        "query($t: ID!) { journalEntries(secretTag: $t) { edges { node { id } } } }",
        lambda w: {"t": w["tag"]},
    ),
    "staleVaultEntries": (
        "query($t: ID!) { staleVaultEntries(secretTag: $t) { edges { node { id } } } }",
        lambda w: {"t": w["tag"]},
    ),
    "createJournalEntry(secretTagId:)": (
        CREATE_HIDDEN,
        lambda w: {"tag": w["tag"], "blob": blob(), "input": {}},
    ),
    "secretTagLoginStart": (
        "mutation($i: SecretTagLoginStartInput!) { secretTagLoginStart(input: $i) { id } }",
        lambda w: {
            "i": {
                "secretTagId": w["tag"],
                "startLoginRequest": b64url(opaque.client_login_start(b"x").get_message()),
            }
        },
    ),
    "secretTagPhraseChangeStart": (
        "mutation($i: SecretTagPhraseChangeStartInput!) { secretTagPhraseChangeStart(input: $i)"
        " { id } }",
        lambda w: {
            "i": {
                "secretTagId": w["tag"],
                "registrationRequest": b64url(opaque.client_registration_start(b"x").get_message()),
            }
        },
    ),
    "rotateVaultKey": (
        "mutation($t: ID!, $k: String!) { rotateVaultKey(secretTagId: $t, wrappedKey: $k) { id } }",
        lambda w: {"t": w["tag"], "k": b64(b"k" * 40)},
    ),
    "replaceVaultBlobs": (
        "mutation($t: ID!, $e: ID!, $b: VaultBlobInput!) { replaceVaultBlobs(secretTagId: $t, "
        "blobs: [{entryId: $e, blob: $b}]) { replacedCount } }",
        lambda w: {"t": w["tag"], "e": w["entry"], "b": blob()},
    ),
    "deleteVaultEntry": (
        "mutation($t: ID!, $e: ID!) { deleteVaultEntry(secretTagId: $t, id: $e) { deletedId } }",
        lambda w: {"t": w["tag"], "e": w["entry"]},
    ),
    "closeVault": (
        "mutation($v: ID!) { closeVault(id: $v) { deletedId } }",
        lambda w: {"v": w["vault"]},
    ),
    "deleteSecretTag": (
        "mutation($t: ID!) { deleteSecretTag(id: $t) { deletedId } }",
        lambda w: {"t": w["tag"]},
    ),
    "secretTagLoginFinish(their step)": (
        "mutation($i: SecretTagLoginFinishInput!) { secretTagLoginFinish(input: $i) "
        "{ vaultSession { id } } }",
        lambda w: {"i": {"loginId": w["step"], "finishLoginRequest": b64url(b"f" * 64)}},
    ),
}


@pytest.fixture(scope="module")
async def world(server: Any) -> dict[str, Any]:
    """A's tag with an open vault and one hidden entry, and a pending unlock of A's."""
    async with GraphQLClient(server.url) as client:
        owner = await client.sign_up()
        tag = await register_tag(client, owner, name="Mine")
        entry = await client.data(
            CREATE_HIDDEN, {"tag": tag.id, "blob": blob(), "input": {}}, token=owner.token
        )
        vault = await client.data(VAULT_SESSIONS, token=owner.token)
        step = await client.data(
            "mutation($i: SecretTagLoginStartInput!) { secretTagLoginStart(input: $i) { id } }",
            {
                "i": {
                    "secretTagId": tag.id,
                    "startLoginRequest": b64url(opaque.client_login_start(b"y").get_message()),
                }
            },
            token=owner.token,
        )
        return {
            "owner": owner,
            "tag": tag.id,
            "entry": entry["createJournalEntry"]["id"],
            "vault": vault["vaultSessions"]["edges"][0]["node"]["id"],
            "step": step["secretTagLoginStart"]["id"],
        }


@pytest.mark.parametrize("door", list(DOORS))
async def test_another_user_gets_not_found(
    client: GraphQLClient, world: dict[str, Any], door: str
) -> None:
    # given
    stranger = await client.sign_up()
    query, variables = DOORS[door]
    # when
    body = await client.execute(query, variables(world), token=stranger.token)
    # then
    assert error_codes(body) == ["NOT_FOUND"], body
    owner = world["owner"]
    mine = await client.data(HIDDEN_ENTRIES, {"tag": world["tag"]}, token=owner.token)
    assert [e["node"]["id"] for e in mine["journalEntries"]["edges"]] == [world["entry"]]
    assert len((await client.data(VAULT_SESSIONS, token=owner.token))["vaultSessions"]["edges"])


async def test_nodes_of_another_user_are_null_and_lists_are_mine_only(
    client: GraphQLClient, world: dict[str, Any]
) -> None:
    stranger = await client.sign_up()
    for key in ("tag", "vault", "entry"):
        found = await client.data(
            "query($id: ID!) { node(id: $id) { id } }", {"id": world[key]}, token=stranger.token
        )
        assert found["node"] is None, key
    assert (await client.data(SECRET_TAGS, token=stranger.token))["secretTags"]["edges"] == []
    assert (await client.data(VAULT_SESSIONS, token=stranger.token))["vaultSessions"]["edges"] == []
    owner_sees = await client.data(
        "query($id: ID!) { node(id: $id) { ... on SecretTag { name } } }",
        {"id": world["tag"]},
        token=world["owner"].token,
    )
    assert owner_sees["node"] == {"name": "Mine"}
