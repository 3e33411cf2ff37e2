"""Input rules of the vault: bytes arrive as base64 and each has a size; each failure names
the GraphQL field it is about."""

from __future__ import annotations

import base64
import binascii
import re

from datastore.kit.errors import BadUserInput

# OPAQUE messages of this suite are 32-192 bytes; anything near this bound is not one.
MAX_OPAQUE_MESSAGE = 1024
# AES key wrap (RFC 3394) of a 256-bit data key: 32 bytes plus the 8-byte integrity block.
WRAPPED_KEY_BYTES = 40
# AES-GCM's 96-bit nonce, or XChaCha20-Poly1305's 192-bit one.
NONCE_BYTES = (12, 24)
LOOKUP_HASH_BYTES = (32, 64)
MAX_NAME = 200
MAX_BATCH = 100
_CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]{0,40}/[a-z0-9][a-z0-9.+-]{0,50}")


def decode(value: str, *, field: str, max_bytes: int, min_bytes: int = 1) -> bytes:
    """Bytes of standard or URL-safe base64, padded or not (serenity-kit sends the latter)."""
    text = value.strip()
    if len(text) > (max_bytes * 4) // 3 + 4:
        raise BadUserInput(f"At most {max_bytes} bytes.", field=field)
    try:
        raw = base64.b64decode(
            text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True
        )
    except (binascii.Error, ValueError):
        raise BadUserInput("Not base64.", field=field) from None
    if not min_bytes <= len(raw) <= max_bytes:
        raise BadUserInput(f"Between {min_bytes} and {max_bytes} bytes.", field=field)
    return raw


def opaque_message(value: str, *, field: str) -> bytes:
    return decode(value, field=field, max_bytes=MAX_OPAQUE_MESSAGE)


def wrapped_key(value: str, *, field: str = "wrappedKey") -> bytes:
    return decode(value, field=field, min_bytes=WRAPPED_KEY_BYTES, max_bytes=WRAPPED_KEY_BYTES)


def lookup_hash(value: str | None) -> bytes | None:
    if value is None:
        return None
    low, high = LOOKUP_HASH_BYTES
    return decode(value, field="lookupHash", min_bytes=low, max_bytes=high)


def nonce(value: str) -> bytes:
    raw = decode(value, field="nonce", max_bytes=max(NONCE_BYTES))
    if len(raw) not in NONCE_BYTES:
        raise BadUserInput("A nonce is 12 (AES-GCM) or 24 bytes.", field="nonce")
    return raw


def content_type(value: str) -> str:
    if not _CONTENT_TYPE.fullmatch(value):
        raise BadUserInput("A media type like text/plain.", field="contentType")
    return value


def name(value: str) -> str:
    if not value.strip():
        raise BadUserInput("A name is required.", field="name")
    if len(value) > MAX_NAME:
        raise BadUserInput(f"At most {MAX_NAME} characters.", field="name")
    return value.strip()


def batch(size: int, *, field: str) -> None:
    if not 1 <= size <= MAX_BATCH:
        raise BadUserInput(f"Between 1 and {MAX_BATCH} at once.", field=field)
