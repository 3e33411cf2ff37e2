"""Exports of a user's data (jobs and their archives) and the record of what imports created.

Revision ID: 0013_exports
Revises: 0012_account_lifecycle
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0013_exports"
down_revision = "0012_account_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(
        """
        CREATE TABLE exports (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            status varchar(16) NOT NULL DEFAULT 'PENDING'
                CONSTRAINT ck_exports_status
                CHECK (status IN ('PENDING', 'RUNNING', 'READY', 'FAILED', 'EXPIRED')),
            progress smallint NOT NULL DEFAULT 0
                CONSTRAINT ck_exports_progress CHECK (progress BETWEEN 0 AND 100),
            attempts integer NOT NULL DEFAULT 0,
            sync_seq bigint,
            blob_key varchar(32),
            size_bytes bigint,
            sha256 varchar(64),
            blob_blocks bytea,
            item_counts jsonb NOT NULL DEFAULT '{}'::jsonb,
            error text,
            claimed_at timestamptz,
            finished_at timestamptz,
            expires_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT ck_exports_ready_has_blob
                CHECK (status <> 'READY' OR (blob_key IS NOT NULL AND expires_at IS NOT NULL))
        )
        """
    )
    op.execute("CREATE INDEX ix_exports_user_id_created_at ON exports (user_id, created_at, id)")
    # The worker's two questions: what is waiting, and which archives ran out.
    op.execute(
        "CREATE INDEX ix_exports_waiting ON exports (created_at) "
        "WHERE status IN ('PENDING', 'RUNNING')"
    )
    op.execute(
        "CREATE INDEX ix_exports_ready_expires_at ON exports (expires_at) WHERE status = 'READY'"
    )
    op.execute(
        """
        CREATE TABLE import_records (
            user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            archive_id uuid NOT NULL,
            kind varchar(32) NOT NULL,
            source_id uuid NOT NULL,
            target_id uuid NOT NULL,
            created boolean NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_import_records PRIMARY KEY (user_id, archive_id, kind, source_id)
        )
        """
    )

    # An archive's blob goes with its row, however the row goes (expiry clears the key
    # itself; a deleted account cascades here), as attachments' blobs do (0009).
    op.execute(
        """
        CREATE FUNCTION exports_blob_garbage() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.blob_key IS NOT NULL THEN
                INSERT INTO blob_garbage (blob_key) VALUES (OLD.blob_key) ON CONFLICT DO NOTHING;
            END IF;
            RETURN OLD;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER exports_blob_garbage AFTER DELETE ON exports
        FOR EACH ROW EXECUTE FUNCTION exports_blob_garbage()
        """
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("DROP TABLE import_records")
    op.execute("DROP TABLE exports")
    op.execute("DROP FUNCTION IF EXISTS exports_blob_garbage()")
