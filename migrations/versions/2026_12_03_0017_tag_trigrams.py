"""Tag names' trigrams, and when each person's insights next change by date alone.

`journal_tags.trigrams` and `tags.trigrams` are each name's `pp_trigrams` (migration 0014),
stored so a fuzzy tag search compares arrays instead of computing them for every tag.

`insight_refreshes`: when each person's insights next read differently with no new entry
(a current streak ends, a break becomes two weeks long, an entry dated ahead comes due);
the insights job queues them at that local midnight. Everyone with journal entries is due
at once (the job works through them a batch at a time), so their first recomputation sets
their real time.

Revision ID: 0017_tag_trigrams
Revises: 0016_topics
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0017_tag_trigrams"
down_revision = "0016_topics"
branch_labels = None
depends_on = None

STATEMENTS = [
    "ALTER TABLE journal_tags ADD COLUMN trigrams text[]"
    " GENERATED ALWAYS AS (pp_trigrams(name)) STORED",
    "ALTER TABLE tags ADD COLUMN trigrams text[] GENERATED ALWAYS AS (pp_trigrams(name)) STORED",
    """
    CREATE TABLE insight_refreshes (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        due_at timestamptz NOT NULL
    )
    """,
    "CREATE INDEX ix_insight_refreshes_due_at ON insight_refreshes (due_at)",
    """
    INSERT INTO insight_refreshes (user_id, due_at)
    SELECT DISTINCT user_id, now() FROM journal_entries
    """,
]


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("DROP TABLE IF EXISTS insight_refreshes")
    op.execute("ALTER TABLE tags DROP COLUMN IF EXISTS trigrams")
    op.execute("ALTER TABLE journal_tags DROP COLUMN IF EXISTS trigrams")
