"""The journal: entries, tags, reminders, AI jobs, embeddings, sentiment, emotions, topics.

Revision ID: 0004_journal
Revises: 0001
Create Date: 2026-11-22

Pod notes are embedded into `embeddings` (source 'POD') without a foreign key to the pod's
`entries` table, so this branch does not depend on the pod's migration; searches join the
pod table only when it exists and ignore embeddings of rows that are gone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects import postgresql

revision = "0004_journal"
down_revision = "0001"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)


def _id() -> sa.Column:
    return sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()"))


def _user(nullable: bool = False) -> sa.Column:
    return sa.Column(
        "user_id", UUID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=nullable
    )


def _created() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    _entries_and_tags()
    _reminders()
    _ai()


def _entries_and_tags() -> None:
    op.create_table(
        "journal_tags",
        _id(),
        _user(),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("color", sa.String(7), nullable=False, server_default="#808080"),
        _created(),
        sa.CheckConstraint("color ~ '^#[0-9A-Fa-f]{6}$'", name="color_hex"),
        sa.CheckConstraint("btrim(name) <> ''", name="name_not_blank"),
    )
    op.create_index(
        "uq_journal_tags_user_name",
        "journal_tags",
        ["user_id", sa.text("lower(name)")],
        unique=True,
    )
    op.create_table(
        "journal_entries",
        _id(),
        _user(),
        sa.Column("title", sa.String(200)),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False, server_default=sa.text("CURRENT_DATE")),
        sa.Column("mood", sa.SmallInteger()),
        # 1..10 mapped linearly onto -1..1, for analytics beside the sentiment compound.
        sa.Column(
            "mood_score",
            sa.Float(),
            sa.Computed("round(((mood - 5.5) / 4.5)::numeric, 4)::float8", persisted=True),
        ),
        sa.Column("is_private", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column(
            "word_count",
            sa.Integer(),
            sa.Computed(
                "coalesce(array_length(regexp_split_to_array(btrim(content), '\\s+'), 1), 0)",
                persisted=True,
            ),
        ),
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(
                "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
                "setweight(to_tsvector('english'::regconfig, content), 'B')",
                persisted=True,
            ),
        ),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        _created(),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("btrim(content) <> ''", name="content_not_blank"),
        sa.CheckConstraint("mood BETWEEN 1 AND 10", name="mood_range"),
    )
    op.create_index(
        "ix_journal_entries_user_date",
        "journal_entries",
        ["user_id", sa.text("entry_date DESC"), sa.text("created_at DESC"), sa.text("id DESC")],
    )
    op.create_index(
        "ix_journal_entries_search",
        "journal_entries",
        ["search_vector"],
        postgresql_using="gin",
    )
    op.create_table(
        "journal_entry_tags",
        sa.Column(
            "entry_id",
            UUID,
            sa.ForeignKey("journal_entries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "tag_id", UUID, sa.ForeignKey("journal_tags.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_index("ix_journal_entry_tags_tag", "journal_entry_tags", ["tag_id"])


def _reminders() -> None:
    op.create_table(
        "reminders",
        _id(),
        _user(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("priority", sa.SmallInteger(), nullable=False, server_default="3"),
        sa.Column("repeat", sa.String(16), nullable=False, server_default="NONE"),
        sa.Column("repeat_interval_days", sa.Integer()),
        sa.Column("is_completed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        # When the scheduler fires next (remind_at, or later when snoozed); NULL = nothing
        # to fire. `fire_seq` changes with every reschedule and names the occurrence in the
        # notification's dedupe key, so a retried or concurrent firing notifies once.
        sa.Column("fire_at", sa.DateTime(timezone=True)),
        sa.Column("fire_seq", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_fired_at", sa.DateTime(timezone=True)),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        _created(),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),
        sa.CheckConstraint(
            "repeat IN ('NONE', 'DAILY', 'WEEKDAYS', 'WEEKLY', 'MONTHLY', 'YEARLY', 'INTERVAL')",
            name="repeat_pattern",
        ),
        sa.CheckConstraint(
            "(repeat = 'INTERVAL') = (repeat_interval_days IS NOT NULL) "
            "AND coalesce(repeat_interval_days, 1) BETWEEN 1 AND 3660",
            name="repeat_interval",
        ),
        sa.CheckConstraint(
            "(is_completed AND completed_at IS NOT NULL) "
            "OR (NOT is_completed AND completed_at IS NULL)",
            name="completed_at_consistent",
        ),
    )
    op.create_index("ix_reminders_user_remind_at", "reminders", ["user_id", "remind_at", "id"])
    op.create_index(
        "ix_reminders_due",
        "reminders",
        ["fire_at"],
        postgresql_where=sa.text("fire_at IS NOT NULL"),
    )


def _ai() -> None:
    # Background AI work, inserted in the same transaction as the write that needs it and
    # claimed by workers with FOR UPDATE SKIP LOCKED. One pending job per target.
    op.create_table(
        "ai_jobs",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("target_id", UUID, nullable=False),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        # Changes whenever the job is enqueued again, so a worker that finishes an older
        # claim deletes nothing and the newer text is processed too.
        sa.Column("token", UUID, nullable=False, server_default=sa.text("gen_random_uuid()")),
        sa.Column(
            "run_after", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        _created(),
        sa.UniqueConstraint("kind", "target_id", name="uq_ai_jobs_kind_target_id"),
    )
    op.create_index("ix_ai_jobs_run_after", "ai_jobs", ["run_after", "id"])
    op.create_table(
        "embeddings",
        sa.Column("source", sa.String(8), primary_key=True),
        sa.Column("entry_id", UUID, primary_key=True),
        sa.Column("user_id", UUID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("model", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(32), nullable=False),
        sa.Column("embedding", Vector(384), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("source IN ('JOURNAL', 'POD')", name="source"),
    )
    # Searches are per user: an exact scan over one user's rows ranks correctly, where a
    # global HNSW index filtered to one user would miss results (pgvector 0.6 has no
    # iterative scans). See bench/journal_ai.py for what this costs at 10,000 entries.
    op.create_index("ix_embeddings_user_source", "embeddings", ["user_id", "source"])
    op.create_table(
        "journal_sentiments",
        sa.Column(
            "entry_id",
            UUID,
            sa.ForeignKey("journal_entries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("model", sa.String(64), primary_key=True),
        sa.Column("label", sa.String(8), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("compound", sa.Float(), nullable=False),
        sa.Column("content_hash", sa.String(32), nullable=False),
        _created(),
        sa.CheckConstraint("label IN ('POSITIVE', 'NEGATIVE', 'NEUTRAL')", name="label"),
    )
    op.create_table(
        "journal_emotions",
        sa.Column(
            "entry_id",
            UUID,
            sa.ForeignKey("journal_entries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("model", sa.String(64), primary_key=True),
        *(
            sa.Column(name, sa.Float(), nullable=False)
            for name in ("joy", "sadness", "anger", "fear", "surprise", "love", "neutral")
        ),
        sa.Column("dominant", sa.String(16), nullable=False),
        sa.Column("content_hash", sa.String(32), nullable=False),
        _created(),
    )
    op.create_table(
        "topics",
        _id(),
        _user(nullable=True),  # NULL: a system topic, offered to everyone
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("embedding", Vector(384)),
        _created(),
    )
    op.create_index(
        "uq_topics_owner_name",
        "topics",
        [
            sa.text("coalesce(user_id, '00000000-0000-0000-0000-000000000000'::uuid)"),
            sa.text("lower(name)"),
        ],
        unique=True,
    )
    op.create_table(
        "journal_entry_topics",
        sa.Column(
            "entry_id",
            UUID,
            sa.ForeignKey("journal_entries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "topic_id", UUID, sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("relevance", sa.Float(), nullable=False),
    )
    op.create_index("ix_journal_entry_topics_topic", "journal_entry_topics", ["topic_id"])
    op.create_index("ix_journal_entry_topics_user", "journal_entry_topics", ["user_id"])
    topics = sa.table("topics", sa.column("name"), sa.column("description"))
    op.bulk_insert(topics, [{"name": n, "description": d} for n, d in SYSTEM_TOPICS])


SYSTEM_TOPICS = [
    ("Work", "my job, career, colleagues, meetings, deadlines and projects at the office"),
    ("Family", "my parents, children, siblings, relatives and home life"),
    ("Relationships", "my partner, dating, love, friendship and social life"),
    ("Health", "my body, exercise, sleep, illness, doctors and fitness"),
    ("Mental health", "stress, anxiety, worry, therapy, emotions and mindfulness"),
    ("Studies", "school, university, exams, tests, homework and learning"),
    ("Travel", "trips, holidays, flights, visiting new places and cities"),
    ("Money", "finances, budget, spending, saving, salary and bills"),
    ("Hobbies", "music, reading, games, art, cooking and creative projects"),
    ("Nature", "walks outside, weather, the seasons, parks, mountains and the sea"),
]


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for table in (
        "journal_entry_topics",
        "topics",
        "journal_emotions",
        "journal_sentiments",
        "embeddings",
        "ai_jobs",
        "reminders",
        "journal_entry_tags",
        "journal_entries",
        "journal_tags",
    ):
        op.drop_table(table)
