"""Sharing: entries shared with people (READ/WRITE/ADMIN) and by token links.

A share row outlives its revocation (`revoked_at`), so the owner keeps the history of who
had access. Links store only the BLAKE2b hash of their token. `activity_logs.actor_id`
names who did something in an owner's pod when it was not the owner (a sharer).

Revision ID: 0010_shares
Revises: 0009_attachments
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0010_shares"
down_revision = "0009_attachments"
branch_labels = None
# It builds on the pod's tables, on another branch of the history.
depends_on = ("0002_pod",)

STATEMENTS = [
    """
    CREATE TABLE entry_shares (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        entry_id uuid NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        person_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        shared_by uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        permission varchar(8) NOT NULL CHECK (permission IN ('READ', 'WRITE', 'ADMIN')),
        include_secret boolean NOT NULL DEFAULT false,
        expires_at timestamptz,
        revoked_at timestamptz,
        access_count bigint NOT NULL DEFAULT 0 CHECK (access_count >= 0),
        last_accessed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_entry_shares_not_owner CHECK (person_id <> owner_id)
    )
    """,
    # One live share per entry and person; revoked ones stay as history.
    """
    CREATE UNIQUE INDEX ux_entry_shares_live ON entry_shares (entry_id, person_id)
    WHERE revoked_at IS NULL
    """,
    """
    CREATE INDEX ix_entry_shares_person ON entry_shares (person_id, created_at, id)
    WHERE revoked_at IS NULL
    """,
    "CREATE INDEX ix_entry_shares_entry ON entry_shares (entry_id, created_at, id)",
    """
    CREATE TABLE share_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        entry_id uuid NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_by uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL CHECK (length(token_hash) = 32),
        include_secret boolean NOT NULL DEFAULT false,
        expires_at timestamptz NOT NULL,
        max_uses integer CHECK (max_uses > 0),
        use_count integer NOT NULL DEFAULT 0 CHECK (use_count >= 0),
        last_accessed_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE UNIQUE INDEX ux_share_links_token_hash ON share_links (token_hash)",
    "CREATE INDEX ix_share_links_entry ON share_links (entry_id, created_at, id)",
    "ALTER TABLE activity_logs ADD COLUMN actor_id uuid",
]


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("ALTER TABLE activity_logs DROP COLUMN IF EXISTS actor_id")
    op.execute("DROP TABLE IF EXISTS share_links")
    op.execute("DROP TABLE IF EXISTS entry_shares")
