"""Sealing a user's secrets with their data key, and opening them again."""

from __future__ import annotations

from typing import Any

import nacl.secret
import nacl.utils
import orjson


def new_data_key() -> bytes:
    return nacl.utils.random(nacl.secret.SecretBox.KEY_SIZE)


def seal(data_key: bytes, values: dict[str, Any]) -> bytes:
    """SecretBox ciphertext (random nonce included) of a JSON object."""
    return bytes(nacl.secret.SecretBox(data_key).encrypt(orjson.dumps(values)))


def open_sealed(data_key: bytes, sealed: bytes) -> dict[str, Any]:
    return orjson.loads(nacl.secret.SecretBox(data_key).decrypt(sealed))
