"""Chat media: files uploaded for chat messages, owned by their sender, processed (upright,
metadata stripped, thumbnail) by the media job like attachments.

Revision ID: 0011_media
Revises: 0006_journal_tag_version
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011_media"
down_revision = "0006_journal_tag_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        "chat_media",
        sa.Column(
            "id",
            postgresql.UUID(as_uuid=True),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
        ),
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("blob_key", sa.String(32), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("blocks", sa.LargeBinary(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("mime_type", sa.String(255), nullable=False),
        sa.Column("keep_metadata", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("processing_status", sa.String(16), nullable=False),
        sa.Column("processing_error", sa.Text(), nullable=True),
        sa.Column("processing_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "processing_after",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("thumbnail_key", sa.String(32), nullable=True),
        sa.Column("thumbnail_size", sa.Integer(), nullable=True),
        sa.Column("thumbnail_sha256", sa.String(64), nullable=True),
        sa.Column("conversation_id", sa.String(80), nullable=True),
        sa.Column("message_id", sa.String(40), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "processing_status IN ('PENDING', 'READY', 'FAILED')",
            name=op.f("ck_chat_media_processing_status"),
        ),
        # A file is sent at most once: in one message of one conversation.
        sa.CheckConstraint(
            "(conversation_id IS NULL) = (message_id IS NULL)", name=op.f("ck_chat_media_sent")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_chat_media_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_media")),
    )
    op.create_index("ix_chat_media_user_id", "chat_media", ["user_id", "created_at"])
    # The media job's queue: only rows still to process are in it.
    op.create_index(
        "ix_chat_media_pending",
        "chat_media",
        ["processing_after"],
        postgresql_where=sa.text("processing_status = 'PENDING'"),
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_index("ix_chat_media_pending", table_name="chat_media")
    op.drop_index("ix_chat_media_user_id", table_name="chat_media")
    op.drop_table("chat_media")
