"""Psychology insights (the Journaling AI design's `psychology_insights`), the per-user
queue that recomputes them, and each user's time zone.

An insight is one pattern in my journal, keyed per user by what it is about (`key`), so a
recomputation over the same entries updates it in place rather than adding a duplicate.
Its evidence is the ids of the entries that support it; they are loaded (and their owner
checked) when read, so a deleted entry simply drops out.

Revision ID: 0015_psychology_insights
Revises: 0014_search
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0015_psychology_insights"
down_revision = "0014_search"
branch_labels = None
depends_on = None

STATEMENTS = [
    # "Today" for streaks, and the day an entry is about when none is given.
    "ALTER TABLE users ADD COLUMN time_zone varchar(64) NOT NULL DEFAULT 'UTC'",
    """
    CREATE TABLE psychology_insights (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        insight_type varchar(32) NOT NULL,
        key varchar(200) NOT NULL,
        title varchar(200) NOT NULL,
        message text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        confidence double precision NOT NULL,
        evidence_entry_ids uuid[] NOT NULL DEFAULT '{}',
        dismissed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_psychology_insights_user_key UNIQUE (user_id, key),
        CONSTRAINT ck_psychology_insights_confidence CHECK (confidence BETWEEN 0 AND 1)
    )
    """,
    # The `insights` page: newest first, per user.
    "CREATE INDEX ix_psychology_insights_user_created ON psychology_insights "
    "(user_id, created_at DESC, id DESC)",
    # One pending recomputation per user; a new change pushes `run_after` (the debounce).
    """
    CREATE TABLE insight_jobs (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        run_after timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        token uuid NOT NULL DEFAULT gen_random_uuid(),
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX ix_insight_jobs_run_after ON insight_jobs (run_after)",
]


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("DROP TABLE IF EXISTS insight_jobs")
    op.execute("DROP TABLE IF EXISTS psychology_insights")
    op.execute("ALTER TABLE users DROP COLUMN IF EXISTS time_zone")
