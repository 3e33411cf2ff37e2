"""Account lifecycle: states (deactivated, pending deletion, purging), names, last login,
and pending email changes.

Revision ID: 0012_account_lifecycle
Revises: 0011_media
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0012_account_lifecycle"
down_revision = "0011_media"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    ALTER TABLE users
        ADD COLUMN account_state varchar(24) NOT NULL DEFAULT 'ACTIVE',
        ADD COLUMN first_name varchar(100),
        ADD COLUMN last_name varchar(100),
        ADD COLUMN last_login_at timestamptz,
        ADD COLUMN deactivated_at timestamptz,
        ADD COLUMN delete_after timestamptz,
        ADD COLUMN purge_lease_until timestamptz,
        ADD CONSTRAINT ck_users_account_state CHECK (
            account_state IN ('ACTIVE', 'DEACTIVATED', 'PENDING_DELETION', 'PURGING')
        ),
        ADD CONSTRAINT ck_users_delete_after CHECK (
            (account_state IN ('PENDING_DELETION', 'PURGING')) = (delete_after IS NOT NULL)
        )
    """,
    # The purge job's queue: only accounts waiting for deletion are in it.
    """
    CREATE INDEX ix_users_delete_after ON users (delete_after)
        WHERE account_state IN ('PENDING_DELETION', 'PURGING')
    """,
    # One pending change per account; only the token's hash is stored.
    """
    CREATE TABLE email_changes (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        new_email varchar(254) NOT NULL,
        token_hash varchar(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_email_changes PRIMARY KEY (user_id),
        CONSTRAINT uq_email_changes_token_hash UNIQUE (token_hash)
    )
    """,
]


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("DROP TABLE IF EXISTS email_changes")
    op.execute("DROP INDEX IF EXISTS ix_users_delete_after")
    op.execute(
        """
        ALTER TABLE users
            DROP CONSTRAINT IF EXISTS ck_users_delete_after,
            DROP CONSTRAINT IF EXISTS ck_users_account_state,
            DROP COLUMN IF EXISTS purge_lease_until,
            DROP COLUMN IF EXISTS delete_after,
            DROP COLUMN IF EXISTS deactivated_at,
            DROP COLUMN IF EXISTS last_login_at,
            DROP COLUMN IF EXISTS last_name,
            DROP COLUMN IF EXISTS first_name,
            DROP COLUMN IF EXISTS account_state
        """
    )
