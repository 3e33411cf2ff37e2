"""Journal tags get a version, so a stale rename is a CONFLICT as for entries and reminders.

Revision ID: 0006_journal_tag_version
Revises: 0005_reminder_anchor
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_journal_tag_version"
down_revision = "0005_reminder_anchor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column(
        "journal_tags", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_column("journal_tags", "version")
