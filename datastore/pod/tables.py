"""Pod tables: entries, categories, tags, activity, per-user settings and wrapped data keys.

The DDL (triggers, generated tsvector, composite foreign keys) lives in the migration
`2026_11_22_0002_pod.py`; these models are how the repositories read and write it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CHAR,
    BigInteger,
    Boolean,
    Computed,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, UUID
from sqlalchemy.orm import Mapped, mapped_column

from datastore.kit.postgres import Base

# The generated column's expression, repeated from the migration so the ORM never tries to
# write it. `fields` holds only plaintext kind fields and `body` is NULL on sensitive
# entries, so nothing encrypted can reach the index.
SEARCH_EXPRESSION = (
    "setweight(to_tsvector(search_language, title), 'A') || "
    "setweight(to_tsvector(search_language, coalesce(body, '')), 'B') || "
    "setweight(jsonb_to_tsvector(search_language, fields, '[\"string\"]'), 'B')"
)


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    name: Mapped[str] = mapped_column(String(100))
    color: Mapped[str | None] = mapped_column(String(7))
    icon: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, server_default="0")
    # 'inbox' etc. for categories the pod creates itself; they cannot be deleted.
    system_key: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Entry(Base):
    """One row per entry of any kind.

    Why one table with a JSONB `fields` column rather than a table per kind: every list,
    filter, sort, search and sync query is over all kinds at once, and kind fields are
    small and read whole. Common columns are real columns (indexed, constrained); the
    few kind fields are validated in the API layer and stay plaintext so search can see
    them. Secrets go to `sealed`, never to `fields`.
    """

    __tablename__ = "entries"

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), server_default="ACTIVE")
    # What `restoreEntry` goes back to.
    previous_status: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    # SecretBox ciphertext of {"password", "totpSeed", "body"} under the user's data key.
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    sensitive: Mapped[bool] = mapped_column(Boolean, server_default="false")
    category_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    search: Mapped[str] = mapped_column(
        TSVECTOR, Computed(SEARCH_EXPRESSION, persisted=True), deferred=True
    )


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(64))
    # For fuzzy search by name (datastore/kit/trigrams.py); never loaded with the row.
    trigrams: Mapped[list[str]] = mapped_column(
        ARRAY(Text), Computed("pp_trigrams(name)", persisted=True), deferred=True
    )
    slug: Mapped[str] = mapped_column(String(80))
    color: Mapped[str | None] = mapped_column(String(7))
    # Maintained by the `entry_tags_usage` trigger only.
    usage_count: Mapped[int] = mapped_column(Integer, server_default="0")
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EntryTag(Base):
    __tablename__ = "entry_tags"

    entry_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    tag_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ActivityLog(Base):
    __tablename__ = "activity_logs"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    session_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity_type: Mapped[str] = mapped_column(String(16))
    node_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    # Set for entry activity; kept after the entry is purged (no foreign key).
    entry_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    old_values: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    new_values: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # Who did it when not the owner (a sharer); NULL for the owner and the pod itself.
    actor_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PodPreferences(Base):
    __tablename__ = "pod_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id"), primary_key=True
    )
    search_language: Mapped[str] = mapped_column(Text, server_default="english")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DataKey(Base):
    """A user's data key, wrapped (SecretBox) by the master key named `master_key_id`."""

    __tablename__ = "pod_data_keys"

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id"), primary_key=True
    )
    master_key_id: Mapped[str] = mapped_column(Text)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    rewrapped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Attachment(Base):
    """A file of an entry. The bytes are in the blob store under `blob_key` (random, never
    the client's name); `sha256` and `blocks` (per-block SHA-256) verify them on read."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    entry_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    blob_key: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    # Sniffed from the bytes, never the client's Content-Type.
    mime_type: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(CHAR(64))
    blocks: Mapped[bytes] = mapped_column(LargeBinary)
    # PENDING until background processing (thumbnails) is done: READY or FAILED.
    status: Mapped[str] = mapped_column(String(16), server_default="PENDING")
    thumbnail_key: Mapped[str | None] = mapped_column(Text)
    # The media job's columns (datastore/kit/processing.py), as on chat_media.
    keep_metadata: Mapped[bool] = mapped_column(Boolean, server_default="false")
    processing_error: Mapped[str | None] = mapped_column(Text)
    processing_attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    processing_after: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    thumbnail_size: Mapped[int | None] = mapped_column(Integer)
    thumbnail_sha256: Mapped[str | None] = mapped_column(CHAR(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Upload(Base):
    """A two-step upload: `requestUpload` makes it WAITING with a one-time token (only its
    hash is kept), the PUT makes it RECEIVING then RECEIVED with the blob's checksums, and
    `completeUpload` makes it COMPLETED when its blob becomes an attachment."""

    __tablename__ = "uploads"

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary)
    name: Mapped[str] = mapped_column(Text)
    declared_size: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), server_default="WAITING")
    blob_key: Mapped[str | None] = mapped_column(Text)
    mime_type: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(CHAR(64))
    blocks: Mapped[bytes | None] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BlobGarbage(Base):
    """Blob keys whose rows are gone (filled by triggers); the pod worker deletes the blobs."""

    __tablename__ = "blob_garbage"

    blob_key: Mapped[str] = mapped_column(Text, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
