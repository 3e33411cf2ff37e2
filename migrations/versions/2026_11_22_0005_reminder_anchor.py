"""Reminders remember the time the user chose, so monthly repeats do not drift.

Revision ID: 0005_reminder_anchor
Revises: 0004_journal
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_reminder_anchor"
down_revision = "0004_journal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column("reminders", sa.Column("repeat_anchor", sa.DateTime(timezone=True)))
    op.execute("UPDATE reminders SET repeat_anchor = remind_at WHERE repeat_anchor IS NULL")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_column("reminders", "repeat_anchor")
