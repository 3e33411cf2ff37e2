"""Search: passage vectors (max-sim per entry) and a per-user vocabulary for typo tolerance.

`embedding_chunks` holds one vector per passage of an entry (chunk 0 is the whole text, the
same vector as `embeddings`), so long entries are searched beyond the model's window.
`search_terms` is each user's indexed words with their trigrams (GIN), a substitute for
pg_trgm, which the embedded PostgreSQL does not ship: `pp_trigrams` and
`pp_trigram_similarity` compute what pg_trgm's `similarity()` does.

Existing vectors become chunk 0 at once (search keeps working); long journal entries and
all pod notes are queued to be re-embedded in passages by the AI worker.

Revision ID: 0014_search
Revises: 0013_exports
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "0014_search"
down_revision = "0013_exports"
branch_labels = None
depends_on = None


_TRIGRAMS = """
CREATE FUNCTION pp_trigrams(word text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(p, i, 3)), '{}')
    FROM (SELECT '  ' || lower(word) || ' ' AS p) s, generate_series(1, length(p) - 2) AS i
$$
"""
_SIMILARITY = """
CREATE FUNCTION pp_trigram_similarity(a text[], b text[]) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN cardinality(a) = 0 OR cardinality(b) = 0 THEN 0::float8 ELSE
        (SELECT count(*) FROM (SELECT unnest(a) INTERSECT SELECT unnest(b)) i)::float8
        / (SELECT count(*) FROM (SELECT unnest(a) UNION SELECT unnest(b)) u) END
$$
"""


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        "embedding_chunks",
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("entry_id", UUID(as_uuid=True), nullable=False),
        sa.Column("chunk", sa.SmallInteger(), nullable=False),
        sa.Column(
            "user_id",
            UUID(as_uuid=True),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("embedding", Vector(384), nullable=False),
        sa.PrimaryKeyConstraint("source", "entry_id", "chunk"),
        sa.ForeignKeyConstraint(
            ["source", "entry_id"],
            ["embeddings.source", "embeddings.entry_id"],
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_embedding_chunks_user_source", "embedding_chunks", ["user_id", "source"])
    op.execute(
        "INSERT INTO embedding_chunks (source, entry_id, chunk, user_id, embedding) "
        "SELECT source, entry_id, 0, user_id, embedding FROM embeddings"
    )
    # Re-embed in passages: long journal entries now, pod notes through the pod sweep
    # (60 words is datastore/kit/ai/text.py PASSAGE_WORDS: longer entries get passages).
    op.execute(
        "UPDATE embeddings e SET content_hash = '' FROM journal_entries j "
        "WHERE e.source = 'JOURNAL' AND e.entry_id = j.id AND j.word_count > 60"
    )
    op.execute(
        "INSERT INTO ai_jobs (kind, target_id, user_id) "
        "SELECT 'embed_journal', j.id, j.user_id FROM journal_entries j "
        "WHERE j.word_count > 60 ON CONFLICT (kind, target_id) DO NOTHING"
    )
    op.execute(
        "UPDATE embeddings SET content_hash = '', updated_at = '-infinity' WHERE source = 'POD'"
    )

    op.execute(_TRIGRAMS)
    op.execute(_SIMILARITY)
    op.create_table(
        "search_terms",
        sa.Column(
            "user_id",
            UUID(as_uuid=True),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("trigrams", ARRAY(sa.Text()), sa.Computed("pp_trigrams(term)", persisted=True)),
        sa.PrimaryKeyConstraint("user_id", "term"),
    )
    op.create_index(
        "ix_search_terms_trigrams", "search_terms", ["trigrams"], postgresql_using="gin"
    )
    # Words already indexed; the AI worker adds those of new and edited entries.
    op.execute(
        "INSERT INTO search_terms (user_id, term) "
        "SELECT DISTINCT user_id, unnest(tsvector_to_array(search_vector)) FROM journal_entries "
        "ON CONFLICT DO NOTHING"
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_table("search_terms")
    op.execute("DROP FUNCTION pp_trigram_similarity(text[], text[])")
    op.execute("DROP FUNCTION pp_trigrams(text)")
    op.drop_table("embedding_chunks")
