"""Topics discovered in each person's writing: which topics the clustering made, their
distinctive words, which ones the person pinned or curated (renamed or merged: the
clustering then keeps their name and entries), and when each person's entries were last
clustered (to re-run as entries arrive).

Revision ID: 0016_topics
Revises: 0015_psychology_insights
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0016_topics"
down_revision = "0015_psychology_insights"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
    ALTER TABLE topics
        ADD COLUMN discovered boolean NOT NULL DEFAULT false,
        ADD COLUMN keywords text[] NOT NULL DEFAULT '{}',
        ADD COLUMN pinned boolean NOT NULL DEFAULT false,
        ADD COLUMN curated boolean NOT NULL DEFAULT false,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT ck_topics_discovered_owned CHECK (NOT discovered OR user_id IS NOT NULL)
    """,
    "CREATE INDEX ix_topics_user ON topics (user_id) WHERE user_id IS NOT NULL",
    """
    CREATE TABLE topic_discovery (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        entry_count integer NOT NULL,
        ran_at timestamptz NOT NULL DEFAULT now()
    )
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE topic_discovery")
    op.execute("DELETE FROM topics WHERE discovered")
    op.execute("DROP INDEX ix_topics_user")
    op.execute(
        """
        ALTER TABLE topics
            DROP CONSTRAINT ck_topics_discovered_owned,
            DROP COLUMN discovered, DROP COLUMN keywords, DROP COLUMN pinned,
            DROP COLUMN curated, DROP COLUMN updated_at
        """
    )
