"""Secret tags in tests: the Node reference client (tests/support/vault_client.mjs) and a
quick in-process OPAQUE client (the same opaque-ke, through opaque-ke-py) for error cases."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opaque_ke_py as opaque

from tests.support.client import Account, GraphQLClient

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("vault_client.mjs")

REGISTER_START = """
mutation($input: SecretTagRegistrationStartInput!) {
  secretTagRegistrationStart(input: $input) { id secretTagId message }
}
"""
REGISTER_FINISH = """
mutation($input: SecretTagRegistrationFinishInput!) {
  secretTagRegistrationFinish(input: $input) {
    secretTag { id name keyVersion } vaultSession { id current }
    keys { edges { node { version wrappedKey } } }
  }
}
"""
LOGIN_START = """
mutation($input: SecretTagLoginStartInput!) {
  secretTagLoginStart(input: $input) { id secretTagId message }
}
"""
LOGIN_FINISH = """
mutation($input: SecretTagLoginFinishInput!) {
  secretTagLoginFinish(input: $input) {
    secretTag { id keyVersion } vaultSession { id current }
    keys { edges { node { version wrappedKey } } }
  }
}
"""
CREATE_HIDDEN = """
mutation($tag: ID, $blob: VaultBlobInput, $input: CreateJournalEntryInput!) {
  createJournalEntry(input: $input, secretTagId: $tag, vaultBlob: $blob) {
    id content vaultBlob { ciphertext nonce keyVersion contentType size }
  }
}
"""
HIDDEN_ENTRIES = """
query($tag: ID!, $first: Int, $after: String) {
  journalEntries(secretTag: $tag, first: $first, after: $after) {
    edges { node { id content vaultBlob { ciphertext keyVersion size } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
SECRET_TAGS = "{ secretTags { edges { node { id name keyVersion } } } }"
SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token session { id } } }"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def blob(key_version: int = 1, size: int = 64) -> dict[str, Any]:
    """A blob as a client sends it (random bytes: the server cannot tell them apart)."""
    return {
        "ciphertext": b64(secrets.token_bytes(size)),
        "nonce": b64(secrets.token_bytes(12)),
        "keyVersion": key_version,
        "contentType": "text/plain",
    }


@dataclass
class PyTag:
    """A tag registered by the in-process client: its id and phrase."""

    id: str
    phrase: bytes


async def register_tag(
    client: GraphQLClient, account: Account, phrase: bytes = b"river stones", name: str = "t"
) -> PyTag:
    start = opaque.client_registration_start(phrase)
    request = {"registrationRequest": b64url(start.get_message())}
    started = (await client.data(REGISTER_START, {"input": request}, token=account.token))[
        "secretTagRegistrationStart"
    ]
    finish = opaque.client_registration_finish(
        phrase, start.get_state(), unb64url(started["message"])
    )
    await client.data(
        REGISTER_FINISH,
        {
            "input": {
                "registrationId": started["id"],
                "registrationRecord": b64url(finish.get_message()),
                "wrappedKey": b64(secrets.token_bytes(40)),
                "name": name,
            }
        },
        token=account.token,
    )
    return PyTag(started["secretTagId"], phrase)


async def second_device(client: GraphQLClient, account: Account) -> Account:
    """The same account signed in again: another device session."""
    data = await client.data(
        SIGN_IN, {"input": {"login": account.email, "password": account.password}}
    )
    return Account(
        data["signIn"]["token"],
        account.user_id,
        data["signIn"]["session"]["id"],
        account.email,
        account.username,
        account.password,
    )


async def login_start(
    client: GraphQLClient, account: Account, tag: PyTag, phrase: bytes | None = None
) -> tuple[dict[str, Any], Any]:
    """Start an unlock: the whole response body and the client's login state."""
    start = opaque.client_login_start(phrase or tag.phrase)
    body = await client.execute(
        LOGIN_START,
        {"input": {"secretTagId": tag.id, "startLoginRequest": b64url(start.get_message())}},
        token=account.token,
    )
    return body, start


def finalization(tag: PyTag, start: Any, started: dict[str, Any]) -> str:
    finish = opaque.client_login_finish(tag.phrase, start.get_state(), unb64url(started["message"]))
    return b64url(finish.get_message())


async def unlock(client: GraphQLClient, account: Account, tag: PyTag) -> dict[str, Any]:
    body, start = await login_start(client, account, tag)
    started = body["data"]["secretTagLoginStart"]
    return await client.data(
        LOGIN_FINISH,
        {
            "input": {
                "loginId": started["id"],
                "finishLoginRequest": finalization(tag, start, started),
            }
        },
        token=account.token,
    )


class VaultClient:
    """One run of the Node reference client: a command in, its answer out."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def send(self, op: str, **values: Any) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write((json.dumps({"op": op, **values}) + "\n").encode())
        await self.process.stdin.drain()
        line = await asyncio.wait_for(self.process.stdout.readline(), 120)
        if not line:
            assert self.process.stderr is not None
            raise AssertionError(f"node exited: {(await self.process.stderr.read()).decode()}")
        return json.loads(line)


@asynccontextmanager
async def vault_client(url: str, account: Account, address: str) -> AsyncIterator[VaultClient]:
    process = await asyncio.create_subprocess_exec(
        "node",
        str(SCRIPT),
        f"{url}/graphql",
        account.token,
        account.user_id,
        address,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield VaultClient(process)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        await asyncio.wait_for(process.wait(), 30)
