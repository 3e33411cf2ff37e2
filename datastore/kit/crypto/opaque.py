"""The server side of OPAQUE (RFC 9807) for secret tags, through `opaque-ke-py`.

opaque-ke-py 0.1.0 binds opaque-ke 4.0.1 with Ristretto255 (OPRF), TripleDH and SHA-512,
the suite `@serenity-kit/opaque` uses, so browser and Node clients interoperate; the client
stretches the phrase with Argon2id. The server never sees the phrase or the export key.

One server secret, the OPAQUE `ServerSetup` (VAULT_SERVER_SETUP), also keys the two
symmetric tools the vault needs, each derived under its own BLAKE2b personalisation:
sealing login state at rest (SecretBox) and hashing phrase lookups.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

import nacl.exceptions
import nacl.secret
import opaque_ke_py as opaque

T = TypeVar("T")


class OpaqueError(Exception):
    """A message that does not parse, or a login whose proof is wrong."""


class OpaqueServer:
    def __init__(self, setup: bytes) -> None:
        try:
            self._setup = opaque.ServerSetupData.from_bytes(setup)
        except ValueError as error:
            raise ValueError("VAULT_SERVER_SETUP is not an OPAQUE server setup") from error
        self._box = nacl.secret.SecretBox(_derive(setup, b"pp-vault-seal"))
        self._lookup_key = _derive(setup, b"pp-vault-lookup")

    @classmethod
    def from_setting(cls, value: str) -> OpaqueServer | None:
        """The server of a base64 VAULT_SERVER_SETUP, or None when it is empty (vault off)."""
        if not value.strip():
            return None
        try:
            raw = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError("VAULT_SERVER_SETUP must be base64") from error
        return cls(raw)

    # ------------------------------------------------------------------ registration

    def registration_response(self, request: bytes, credential_id: bytes) -> bytes:
        """The reply to a client's registration request (stateless on the server)."""
        started = _call(opaque.server_registration_start, self._setup, request, credential_id)
        return started.get_message()

    def registration_record(self, upload: bytes) -> bytes:
        """The record (password file) to store, from the client's registration upload."""
        finished = _call(opaque.server_registration_finish, upload)
        return finished.get_password_file()

    # ------------------------------------------------------------------ login

    def login_start(
        self, record: bytes, request: bytes, credential_id: bytes
    ) -> tuple[bytes, bytes]:
        """(message for the client, server state to keep until finish)."""
        started = _call(opaque.server_login_start, self._setup, record, request, credential_id)
        return started.get_message(), started.get_state()

    def login_finish(self, state: bytes, finalization: bytes) -> bytes:
        """The session key; OpaqueError when the client did not know the phrase."""
        return _call(opaque.server_login_finish, state, finalization).get_session_key()

    # ------------------------------------------------------------------ at rest

    def seal(self, state: bytes) -> bytes:
        return bytes(self._box.encrypt(state))

    def open(self, sealed: bytes) -> bytes:
        try:
            return self._box.decrypt(sealed)
        except nacl.exceptions.CryptoError as error:
            raise OpaqueError("sealed state does not open") from error

    def lookup_hash(self, client_hash: bytes) -> bytes:
        """Keyed BLAKE2b of the client's phrase hash: without the server secret a database
        dump gives no way to test guesses of the phrase offline."""
        return hashlib.blake2b(client_hash, key=self._lookup_key, digest_size=32).digest()


def new_server_setup() -> str:
    """A fresh VAULT_SERVER_SETUP (base64), for `personalpod generate-vault-setup`."""
    return base64.b64encode(opaque.server_setup().to_bytes()).decode()


def _derive(secret: bytes, person: bytes) -> bytes:
    return hashlib.blake2b(secret, digest_size=32, person=person).digest()


def _call(function: Callable[..., T], *args: Any) -> T:
    """The binding raises ValueError for bad bytes and wrong proofs alike."""
    try:
        return function(*args)
    except ValueError as error:
        raise OpaqueError(str(error)) from error
