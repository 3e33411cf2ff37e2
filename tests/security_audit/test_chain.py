"""The chain's pure parts: keyed hashes, the canonical encoding and each kind of break."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import nacl.signing

from datastore.security_audit.chain import (
    GENESIS,
    AuditKeys,
    Break,
    ChainedValues,
    check,
    encode,
    keyed_hash,
    link,
    seal,
)

KEYS = AuditKeys.build(b"h" * 32, b"s" * 32)


def values(**changes: object) -> ChainedValues:
    base = ChainedValues(
        id=1,
        version=1,
        prev_hash=GENESIS,
        key_id=KEYS.current_key_id,
        event_type="SIGN_IN",
        category="AUTHENTICATION",
        severity="INFO",
        user_hash=keyed_hash(KEYS.hash_key, "user", "u1"),
        session_hash=None,
        ip_hash=keyed_hash(KEYS.hash_key, "ip", "192.0.2.1"),
        user_agent_hash=None,
        correlation_id=None,
        request_id="r1",
        message="Signed in.",
        success=True,
        error_code=None,
        processing_time_ms=12,
        created_at=datetime(2026, 12, 2, 10, 0, 0, 123456, tzinfo=UTC),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_keyed_hashes_depend_on_the_key_and_the_field() -> None:
    same = keyed_hash(b"h" * 32, "user", "x")
    assert same == keyed_hash(b"h" * 32, "user", "x") and same is not None and len(same) == 32
    assert same != keyed_hash(b"k" * 32, "user", "x")
    assert same != keyed_hash(b"h" * 32, "session", "x")
    assert keyed_hash(b"h" * 32, "ip", None) is None


def test_the_encoding_is_the_same_in_any_time_zone_and_covers_every_column() -> None:
    row = values()
    elsewhere = row.created_at.astimezone(timezone(timedelta(hours=5)))
    assert encode(row) == encode(dataclasses.replace(row, created_at=elsewhere))
    for field in dataclasses.fields(ChainedValues):
        if field.name == "prev_hash":
            continue  # linked in front of the encoding instead
        changed = dataclasses.replace(
            row, **{field.name: _other(field.type, getattr(row, field.name))}
        )
        assert encode(changed) != encode(row), field.name


def _other(annotation: object, value: object) -> object:
    """Another value of a field's type."""
    kind = str(annotation)
    if kind.startswith("bytes"):
        return b"\x01" * 32
    if kind.startswith("bool"):
        return not value
    if kind.startswith("int"):
        return (value or 0) + 1  # type: ignore[operator]
    if kind.startswith("datetime"):
        return value + timedelta(microseconds=1)  # type: ignore[operator]
    return f"{value}x"


def test_a_sealed_row_checks_and_each_break_is_named() -> None:
    row = values()
    row_hash, signature = seal(KEYS, row)
    assert check(KEYS, row, row_hash, signature, GENESIS) is None
    # altered
    assert check(KEYS, values(message="x"), row_hash, signature, GENESIS) is Break.ALTERED
    # not after the row it should follow
    assert check(KEYS, row, row_hash, signature, b"\x02" * 32) is Break.BROKEN_LINK
    # re-hashed without the signing key
    forged = values(message="x")
    assert check(KEYS, forged, link(forged), signature, GENESIS) is Break.FORGED
    # signed by a key nobody configured
    stranger = AuditKeys.build(b"h" * 32, b"t" * 32)
    theirs = values(key_id=stranger.current_key_id)
    their_hash, their_signature = seal(stranger, theirs)
    assert check(KEYS, theirs, their_hash, their_signature, GENESIS) is Break.UNKNOWN_KEY
    # a format this server does not know
    assert check(KEYS, values(version=2), row_hash, signature, GENESIS) is Break.UNKNOWN_VERSION


def test_an_old_verify_key_still_checks_rows_it_signed() -> None:
    old = AuditKeys.build(b"h" * 32, b"o" * 32)
    row = values(key_id=old.current_key_id)
    row_hash, signature = seal(old, row)
    rotated = AuditKeys.build(
        b"h" * 32, b"s" * 32, [bytes(nacl.signing.SigningKey(b"o" * 32).verify_key)]
    )
    assert check(rotated, row, row_hash, signature, GENESIS) is None
