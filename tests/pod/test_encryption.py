"""Secrets are encrypted at rest, decrypted only in `secret`, logged, and survive rotation."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys

from sqlalchemy import text

from datastore.kit.crypto.keyring import MasterKeyring
from datastore.pod.service.rotation import rotate_master_key
from tests.support.client import GraphQLClient
from tests.support.ids import raw_id
from tests.support.pod import UPDATE_ENTRY, create_entry

SECRET = """
query($id: ID!) { entry(id: $id) { body sensitive secret { password totpSeed body } } }
"""
SEED = "JBSWY3DPEHPK3PXP"


async def _raw(server, entry_id: str) -> dict:
    async with server.services.clients.db() as db:
        row = await db.execute(
            text("SELECT body, fields::text AS fields, sealed FROM entries WHERE id = :id"),
            {"id": raw_id(entry_id)},
        )
        return dict(row.mappings().one())


async def test_password_secret_is_encrypted_in_the_row_and_decrypted_in_the_api(
    client: GraphQLClient, server
) -> None:
    # given
    account = await client.sign_up()
    entry = await create_entry(
        client,
        account,
        kind="PASSWORD",
        title="Bank",
        password={"secret": "correct-horse-9", "totpSeed": SEED, "username": "me"},
    )
    # then: the row holds ciphertext only
    row = await _raw(server, entry["id"])
    assert row["sealed"] is not None
    for plaintext in (b"correct-horse-9", SEED.encode()):
        assert plaintext not in row["sealed"]
        assert plaintext.decode() not in row["fields"]
    # and the API decrypts on request
    data = await client.data(SECRET, {"id": entry["id"]}, token=account.token)
    assert data["entry"]["secret"] == {
        "password": "correct-horse-9",
        "totpSeed": SEED,
        "body": None,
    }


async def test_each_secret_view_is_logged(client: GraphQLClient) -> None:
    account = await client.sign_up()
    entry = await create_entry(
        client, account, kind="PASSWORD", title="x", password={"secret": "pw123456"}
    )
    await client.data(SECRET, {"id": entry["id"]}, token=account.token)
    await client.data(SECRET, {"id": entry["id"]}, token=account.token)
    log = await client.data(
        "query($id: ID) { activity(entryId: $id) { edges { node { action sessionId "
        "newValues entityId } } } }",
        {"id": entry["id"]},
        token=account.token,
    )
    events = [e["node"] for e in log["activity"]["edges"]]
    assert [e["action"] for e in events] == ["SECRET_VIEWED", "SECRET_VIEWED", "CREATED"]
    assert events[0]["sessionId"] == account.session_id
    assert events[0]["entityId"] == entry["id"]
    assert "pw123456" not in str(events)


async def test_sensitive_body_is_sealed_and_can_be_unsealed(client: GraphQLClient, server) -> None:
    account = await client.sign_up()
    entry = await create_entry(client, account, title="Diary", body="dear diary", sensitive=True)
    row = await _raw(server, entry["id"])
    assert row["body"] is None and b"dear diary" not in row["sealed"]
    data = await client.data(SECRET, {"id": entry["id"]}, token=account.token)
    assert data["entry"]["body"] is None
    assert data["entry"]["secret"]["body"] == "dear diary"
    # when: no longer sensitive, the body is plaintext again
    updated = await client.data(
        UPDATE_ENTRY,
        {"id": entry["id"], "v": 1, "input": {"sensitive": False}},
        token=account.token,
    )
    assert updated["updateEntry"]["body"] == "dear diary"
    assert (await _raw(server, entry["id"]))["sealed"] is None


async def test_rotation_rewraps_every_key_and_secrets_still_open(
    client: GraphQLClient, server
) -> None:
    # given: secrets under the current master key
    account = await client.sign_up()
    entry = await create_entry(
        client, account, kind="PASSWORD", title="x", password={"secret": "before-rotation"}
    )
    services = server.services
    current = services.clients.settings.master_key_bytes
    new_key = secrets.token_bytes(32)
    # when: rotate to a new key and back (so the running server, which knows only the
    # current key, keeps working after the test)
    rotated = await rotate_master_key(services.clients.db, MasterKeyring(new_key, [current]))
    assert rotated >= 1
    async with services.clients.db() as db:
        ids = set((await db.execute(text("SELECT master_key_id FROM pod_data_keys"))).scalars())
    assert ids == {MasterKeyring(new_key).current_id}
    await rotate_master_key(services.clients.db, MasterKeyring(current, [new_key]))
    # then
    data = await client.data(SECRET, {"id": entry["id"]}, token=account.token)
    assert data["entry"]["secret"]["password"] == "before-rotation"


def test_rotate_command_needs_a_valid_key() -> None:
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://x@127.0.0.1:1/x",
        "REDIS_URL": "redis://127.0.0.1:1",
        "MASTER_KEY": base64.b64encode(b"k" * 32).decode(),
        "AUDIT_HASH_KEY": base64.b64encode(b"h" * 32).decode(),
        "AUDIT_SIGNING_KEY": base64.b64encode(b"s" * 32).decode(),
    }
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "rotate-master-key", "--new-key", "short"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert "--new-key must be base64 of 32 bytes" in result.stderr
