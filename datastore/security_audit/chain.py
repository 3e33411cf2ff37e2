"""The hash chain and signatures of `security_audit_logs`: pure functions, no I/O.

Each row stores `prev_hash` (the row before it's `row_hash`; 32 zero bytes for the first
row), `row_hash = BLAKE2b(prev_hash || encode(row))` over a canonical, versioned encoding
of every other stored column, and `signature = Ed25519(row_hash)` by the signing key
named in `key_id`. Editing a row breaks its hash; deleting or reordering rows breaks a
`prev_hash`; re-hashing an edited row needs no secret, but signing it needs the key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import nacl.exceptions
import nacl.signing
from nacl.encoding import RawEncoder
from nacl.hash import blake2b

FORMAT_VERSION = 1
GENESIS = bytes(32)

# BLAKE2b personalisations (at most 16 bytes): one per field, so a user's hash can never
# equal a session's or an address's even for the same input.
_PERSON = {
    "user": b"pp-audit-user",
    "session": b"pp-audit-session",
    "ip": b"pp-audit-ip",
    "user_agent": b"pp-audit-agent",
}
_CHAIN = b"pp-audit-chain"
_KEY_ID = b"pp-audit-key"


def keyed_hash(key: bytes, field: str, value: str | None) -> bytes | None:
    """The stored stand-in for a user id, session id, ip or user agent (None stays None)."""
    if value is None:
        return None
    return blake2b(
        value.encode(), digest_size=32, key=key, person=_PERSON[field], encoder=RawEncoder
    )


def key_id(verify_key: bytes) -> str:
    """A signing key's public name, stored on each row it signs."""
    return blake2b(verify_key, digest_size=8, person=_KEY_ID).decode()


@dataclass(frozen=True)
class AuditKeys:
    """The PII hash key, the current signing key and every verify key rows may name."""

    hash_key: bytes
    signing_key: nacl.signing.SigningKey
    verify_keys: Mapping[str, nacl.signing.VerifyKey]

    @classmethod
    def build(cls, hash_key: bytes, signing_seed: bytes, old_verify_keys: Iterable[bytes] = ()):
        signing_key = nacl.signing.SigningKey(signing_seed)
        known = [*(nacl.signing.VerifyKey(k) for k in old_verify_keys), signing_key.verify_key]
        return cls(hash_key, signing_key, {key_id(bytes(k)): k for k in known})

    @property
    def current_key_id(self) -> str:
        return key_id(bytes(self.signing_key.verify_key))


@dataclass(frozen=True)
class ChainedValues:
    """Every stored column of a row except `row_hash` and `signature`."""

    id: int
    version: int
    prev_hash: bytes
    key_id: str
    event_type: str
    category: str
    severity: str
    user_hash: bytes | None
    session_hash: bytes | None
    ip_hash: bytes | None
    user_agent_hash: bytes | None
    correlation_id: str | None
    request_id: str | None
    message: str
    success: bool
    error_code: str | None
    processing_time_ms: int | None
    created_at: datetime


def encode(values: ChainedValues) -> bytes:
    """Version 1: sorted-key JSON, bytes as hex, the time in UTC to the microsecond.

    `prev_hash` is not in it: `link` puts it in front."""

    def hexed(value: bytes | None) -> str | None:
        return None if value is None else value.hex()

    document = {
        "v": values.version,
        "id": values.id,
        "key": values.key_id,
        "type": values.event_type,
        "category": values.category,
        "severity": values.severity,
        "user": hexed(values.user_hash),
        "session": hexed(values.session_hash),
        "ip": hexed(values.ip_hash),
        "agent": hexed(values.user_agent_hash),
        "correlation": values.correlation_id,
        "request": values.request_id,
        "message": values.message,
        "success": values.success,
        "error": values.error_code,
        "ms": values.processing_time_ms,
        "at": values.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def link(values: ChainedValues) -> bytes:
    """The row's hash: its predecessor's hash followed by its own encoding."""
    return blake2b(
        values.prev_hash + encode(values), digest_size=32, person=_CHAIN, encoder=RawEncoder
    )


def seal(keys: AuditKeys, values: ChainedValues) -> tuple[bytes, bytes]:
    """(row_hash, signature) of a new row."""
    row_hash = link(values)
    return row_hash, keys.signing_key.sign(row_hash).signature


class Break(StrEnum):
    """Why verification stopped at a row."""

    UNKNOWN_VERSION = "UNKNOWN_VERSION"
    BROKEN_LINK = "BROKEN_LINK"
    ALTERED = "ALTERED"
    UNKNOWN_KEY = "UNKNOWN_KEY"
    FORGED = "FORGED"


EXPLANATIONS = {
    Break.UNKNOWN_VERSION: "its format version is unknown to this server",
    Break.BROKEN_LINK: "it does not follow the row before it: a row between them was deleted,"
    " or rows were reordered or inserted",
    Break.ALTERED: "its stored values do not match its hash: it was altered after it was written",
    Break.UNKNOWN_KEY: "it names a signing key this server does not know: forged, or add that"
    " key's verify key to AUDIT_VERIFY_KEYS_OLD",
    Break.FORGED: "its signature is not the signing key's: it was forged (re-hashed without"
    " the signing key)",
}


def check(
    keys: AuditKeys, values: ChainedValues, row_hash: bytes, signature: bytes, expected_prev: bytes
) -> Break | None:
    """The first reason this row breaks the chain after `expected_prev`, or None."""
    if values.version != FORMAT_VERSION:
        return Break.UNKNOWN_VERSION
    if values.prev_hash != expected_prev:
        return Break.BROKEN_LINK
    if link(values) != row_hash:
        return Break.ALTERED
    verify_key = keys.verify_keys.get(values.key_id)
    if verify_key is None:
        return Break.UNKNOWN_KEY
    try:
        verify_key.verify(row_hash, signature)
    except nacl.exceptions.BadSignatureError:
        return Break.FORGED
    return None
