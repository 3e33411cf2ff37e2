"""Vault tables: secret tags, their wrapped data keys, hidden entries and short-lived sessions.

Hidden entries live only in `vault_entries`: no other table (journal entries, embeddings,
the sync log, activity) ever holds them, so no other read path can show them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from datastore.kit.postgres import Base


def _uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )


def _owner() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"))


def _tag() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), ForeignKey("secret_tags.id", ondelete="CASCADE"))


class SecretTag(Base):
    __tablename__ = "secret_tags"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = _owner()
    name: Mapped[str] = mapped_column(String(200))
    color: Mapped[str] = mapped_column(String(7), server_default="#808080")
    # The OPAQUE registration record (opaque-ke's password file): no offline guess from it.
    opaque_record: Mapped[bytes] = mapped_column(LargeBinary)
    # Keyed BLAKE2b of the client's phrase hash (see datastore/kit/crypto/opaque.py).
    lookup_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(Integer, server_default="1")
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VaultKey(Base):
    __tablename__ = "vault_keys"

    tag_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("secret_tags.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The data key wrapped (AES-KW, RFC 3394) by a key the client derives from the export key.
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class VaultEntry(Base):
    __tablename__ = "vault_entries"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = _owner()
    tag_id: Mapped[uuid.UUID] = _tag()
    entry_date: Mapped[date] = mapped_column(Date, server_default=text("CURRENT_DATE"))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OpaqueSession(Base):
    """A started registration, unlock or phrase change: single use, minutes long, bound to
    the account and device session that started it."""

    __tablename__ = "opaque_sessions"

    id: Mapped[uuid.UUID] = _uuid_pk()
    kind: Mapped[str] = mapped_column(String(8))  # REGISTER, LOGIN, ROTATE
    user_id: Mapped[uuid.UUID] = _owner()
    device_session_id: Mapped[str] = mapped_column(String(64))
    # REGISTER names the tag it will create; it has no row until the finish.
    tag_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    sealed_state: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VaultSession(Base):
    __tablename__ = "vault_sessions"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = _owner()
    device_session_id: Mapped[str] = mapped_column(String(64))
    tag_id: Mapped[uuid.UUID] = _tag()
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
