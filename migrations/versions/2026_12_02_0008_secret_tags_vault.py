"""Secret tags and the vault: OPAQUE records, wrapped data keys, hidden entries, sessions.

Revision ID: 0008_secret_tags_vault
Revises: 0007_security_audit_log
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008_secret_tags_vault"
down_revision = "0007_security_audit_log"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)


def _id() -> sa.Column:
    return sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()"))


def _user() -> sa.Column:
    return sa.Column("user_id", UUID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


def _tag(primary_key: bool = False) -> sa.Column:
    return sa.Column(
        "tag_id",
        UUID,
        sa.ForeignKey("secret_tags.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


def _at(name: str, *, default: bool = True, nullable: bool = False) -> sa.Column:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=nullable,
        server_default=sa.func.now() if default else None,
    )


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        "secret_tags",
        _id(),
        _user(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("color", sa.String(7), nullable=False, server_default="#808080"),
        sa.Column("opaque_record", sa.LargeBinary(), nullable=False),
        sa.Column("lookup_hash", sa.LargeBinary(), nullable=True),
        sa.Column("key_version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        _at("created_at"),
        _at("updated_at"),
        sa.CheckConstraint("color ~ '^#[0-9A-Fa-f]{6}$'", name="color_hex"),
        sa.CheckConstraint("key_version >= 1", name="key_version_positive"),
    )
    op.create_index("ix_secret_tags_user_created", "secret_tags", ["user_id", "created_at", "id"])
    # One tag per phrase per account, so a spoken phrase opens exactly one tag.
    op.create_index(
        "uq_secret_tags_user_lookup",
        "secret_tags",
        ["user_id", "lookup_hash"],
        unique=True,
        postgresql_where=sa.text("lookup_hash IS NOT NULL"),
    )
    op.create_table(
        "vault_keys",
        _tag(primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        _at("created_at"),
        _at("retired_at", default=False, nullable=True),
    )
    op.create_table(
        "vault_entries",
        _id(),
        _user(),
        _tag(),
        sa.Column("entry_date", sa.Date(), nullable=False, server_default=sa.text("CURRENT_DATE")),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        _at("created_at"),
        _at("updated_at"),
        sa.CheckConstraint("size = octet_length(ciphertext)", name="size_matches"),
    )
    op.create_index(
        "ix_vault_entries_tag_order",
        "vault_entries",
        ["tag_id", sa.text("entry_date DESC"), sa.text("created_at DESC"), sa.text("id DESC")],
    )
    op.create_index("ix_vault_entries_tag_key_version", "vault_entries", ["tag_id", "key_version"])
    op.create_table(
        "opaque_sessions",
        _id(),
        sa.Column("kind", sa.String(8), nullable=False),
        _user(),
        sa.Column("device_session_id", sa.String(64), nullable=False),
        sa.Column("tag_id", UUID, nullable=False),
        sa.Column("sealed_state", sa.LargeBinary(), nullable=False),
        _at("expires_at", default=False),
        _at("created_at"),
        sa.CheckConstraint("kind IN ('REGISTER', 'LOGIN', 'ROTATE')", name="kind_known"),
    )
    op.create_index("ix_opaque_sessions_expires_at", "opaque_sessions", ["expires_at"])
    op.create_table(
        "vault_sessions",
        _id(),
        _user(),
        sa.Column("device_session_id", sa.String(64), nullable=False),
        _tag(),
        _at("opened_at"),
        _at("expires_at", default=False),
        _at("revoked_at", default=False, nullable=True),
    )
    op.create_index(
        "ix_vault_sessions_user_opened", "vault_sessions", ["user_id", "opened_at", "id"]
    )
    op.create_index(
        "ix_vault_sessions_device_tag", "vault_sessions", ["device_session_id", "tag_id"]
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for table in ("vault_sessions", "opaque_sessions", "vault_entries", "vault_keys"):
        op.drop_table(table)
    op.drop_table("secret_tags")
