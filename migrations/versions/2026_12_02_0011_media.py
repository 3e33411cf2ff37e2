"""Chat media (files uploaded for chat messages, owned by their sender) and the columns the
media job needs to process them (upright, metadata stripped, thumbnail) with bounded retries.

A chat_media row that goes (deleted message or account) leaves its blobs in `blob_garbage`
through a trigger, as attachments do.

Revision ID: 0011_media
Revises: 0010_shares
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0011_media"
down_revision = "0010_shares"
branch_labels = None
depends_on = None

STATEMENTS = [
    # The media job's columns on attachments (the same on chat_media below).
    """
    ALTER TABLE attachments
        ADD COLUMN keep_metadata boolean NOT NULL DEFAULT false,
        ADD COLUMN processing_error text,
        ADD COLUMN processing_attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN processing_after timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN thumbnail_size integer,
        ADD COLUMN thumbnail_sha256 char(64)
    """,
    # The queue holds only the rows still to process.
    """
    CREATE INDEX ix_attachments_pending ON attachments (processing_after)
    WHERE status = 'PENDING'
    """,
    """
    CREATE TABLE chat_media (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        blob_key text NOT NULL,
        name text NOT NULL,
        mime_type text NOT NULL,
        size bigint NOT NULL,
        sha256 char(64) NOT NULL,
        blocks bytea NOT NULL,
        status varchar(16) NOT NULL,
        keep_metadata boolean NOT NULL DEFAULT false,
        processing_error text,
        processing_attempts integer NOT NULL DEFAULT 0,
        processing_after timestamptz NOT NULL DEFAULT now(),
        thumbnail_key text,
        thumbnail_size integer,
        thumbnail_sha256 char(64),
        conversation_id text,
        client_id text,
        message_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_chat_media_blob_key UNIQUE (blob_key),
        CONSTRAINT ck_chat_media_status CHECK (status IN ('PENDING', 'READY', 'FAILED')),
        CONSTRAINT ck_chat_media_name CHECK (char_length(name) BETWEEN 1 AND 255),
        -- Sent at most once: to one conversation, as one message of the sender's.
        CONSTRAINT ck_chat_media_sent CHECK ((conversation_id IS NULL) = (client_id IS NULL))
    )
    """,
    "CREATE INDEX ix_chat_media_user_id ON chat_media (user_id, created_at)",
    # The media job's queue holds only the rows still to process.
    """
    CREATE INDEX ix_chat_media_pending ON chat_media (processing_after)
    WHERE status = 'PENDING'
    """,
    # A message is found by the media it carries (a deleted message's files go with it).
    "CREATE INDEX ix_chat_media_message ON chat_media (conversation_id, message_id)",
    """
    CREATE FUNCTION chat_media_blob_garbage() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO blob_garbage (blob_key)
        SELECT k FROM unnest(ARRAY[OLD.blob_key, OLD.thumbnail_key]) AS k
        WHERE k IS NOT NULL
        ON CONFLICT DO NOTHING;
        RETURN OLD;
    END $$
    """,
    """
    CREATE TRIGGER chat_media_blob_garbage AFTER DELETE ON chat_media
    FOR EACH ROW EXECUTE FUNCTION chat_media_blob_garbage()
    """,
]


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("DROP TABLE IF EXISTS chat_media")
    op.execute("DROP FUNCTION IF EXISTS chat_media_blob_garbage()")
    op.execute("DROP INDEX IF EXISTS ix_attachments_pending")
    for column in (
        "keep_metadata",
        "processing_error",
        "processing_attempts",
        "processing_after",
        "thumbnail_size",
        "thumbnail_sha256",
    ):
        op.execute(f"ALTER TABLE attachments DROP COLUMN IF EXISTS {column}")
