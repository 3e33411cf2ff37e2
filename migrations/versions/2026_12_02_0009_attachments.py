"""Attachments of entries, two-step uploads, and the queue of blobs to delete.

Blob bytes live in the blob store, not here. A row that goes (removed attachment, purged
entry, deleted account, expired upload) leaves its blob key in `blob_garbage` through a
trigger, in the same transaction, so a blob is deleted exactly when its row is, however
the row went; the pod worker then deletes the blobs.

Revision ID: 0009_attachments
Revises: 0008_secret_tags_vault
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0009_attachments"
down_revision = "0008_secret_tags_vault"
branch_labels = None
depends_on = ("0002_pod",)  # attachments reference entries

STATEMENTS = [
    """
    CREATE TABLE attachments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        entry_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        blob_key text NOT NULL,
        name text NOT NULL,
        mime_type text NOT NULL,
        size bigint NOT NULL,
        sha256 char(64) NOT NULL,
        blocks bytea NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'PENDING',
        thumbnail_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_attachments_blob_key UNIQUE (blob_key),
        CONSTRAINT ck_attachments_status CHECK (status IN ('PENDING', 'READY', 'FAILED')),
        CONSTRAINT ck_attachments_size CHECK (size >= 0),
        CONSTRAINT ck_attachments_name CHECK (char_length(name) BETWEEN 1 AND 255),
        CONSTRAINT fk_attachments_entry FOREIGN KEY (entry_id, user_id)
            REFERENCES entries (id, user_id) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX ix_attachments_entry_id ON attachments (entry_id, created_at, id)",
    "CREATE INDEX ix_attachments_user_id ON attachments (user_id)",
    """
    CREATE TABLE uploads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        name text NOT NULL,
        declared_size bigint NOT NULL,
        state varchar(16) NOT NULL DEFAULT 'WAITING',
        blob_key text,
        mime_type text,
        size bigint,
        sha256 char(64),
        blocks bytea,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_uploads_token_hash UNIQUE (token_hash),
        CONSTRAINT ck_uploads_state
            CHECK (state IN ('WAITING', 'RECEIVING', 'RECEIVED', 'COMPLETED'))
    )
    """,
    "CREATE INDEX ix_uploads_user_id ON uploads (user_id)",
    "CREATE INDEX ix_uploads_expires_at ON uploads (expires_at)",
    """
    CREATE TABLE blob_garbage (
        blob_key text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE FUNCTION attachments_blob_garbage() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO blob_garbage (blob_key)
        SELECT k FROM unnest(ARRAY[OLD.blob_key, OLD.thumbnail_key]) AS k
        WHERE k IS NOT NULL
        ON CONFLICT DO NOTHING;
        RETURN OLD;
    END $$
    """,
    """
    CREATE TRIGGER attachments_blob_garbage AFTER DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION attachments_blob_garbage()
    """,
    # A completed upload's blob belongs to its attachment now.
    """
    CREATE FUNCTION uploads_blob_garbage() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.blob_key IS NOT NULL AND OLD.state <> 'COMPLETED' THEN
            INSERT INTO blob_garbage (blob_key) VALUES (OLD.blob_key) ON CONFLICT DO NOTHING;
        END IF;
        RETURN OLD;
    END $$
    """,
    """
    CREATE TRIGGER uploads_blob_garbage AFTER DELETE ON uploads
    FOR EACH ROW EXECUTE FUNCTION uploads_blob_garbage()
    """,
]


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("DROP TABLE IF EXISTS blob_garbage")
    op.execute("DROP TABLE IF EXISTS uploads")
    op.execute("DROP TABLE IF EXISTS attachments")
    op.execute("DROP FUNCTION IF EXISTS uploads_blob_garbage()")
    op.execute("DROP FUNCTION IF EXISTS attachments_blob_garbage()")
