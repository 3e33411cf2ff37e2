"""Vectors of any one embedding model: the embedding columns lose their fixed 384.

EMBEDDING_MODEL may name all-mpnet-base-v2 (768 dimensions) instead of all-MiniLM-L6-v2
(384). The vectors are searched by an exact scan per user (no ANN index needs a fixed
dimension), each row of `embeddings` names its model, and the AI worker re-embeds the rows
another model wrote (datastore/journal/service/ai_worker.py), so one deployment compares
vectors of one model only. Downgrading keeps only 384-dimension vectors.

Sentiment vader-sentences-emotion-2 (calibrated on a dev split only) replaces -1 as the
default: entries -1 analysed are analysed again (their -1 rows stay readable by name).

Revision ID: 0018_embedding_models
Revises: 0017_tag_trigrams
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0018_embedding_models"
down_revision = "0017_tag_trigrams"
branch_labels = None
depends_on = None

COLUMNS = (("embeddings", "embedding"), ("embedding_chunks", "embedding"), ("topics", "embedding"))


def upgrade() -> None:
    for table, column in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE vector")
    # A cleared hash makes the worker analyse the entry again (datastore/journal/service).
    op.execute(
        "UPDATE embeddings e SET content_hash = '' FROM journal_sentiments s "
        "WHERE e.source = 'JOURNAL' AND s.entry_id = e.entry_id "
        "AND s.model = 'vader-sentences-emotion-1'"
    )
    op.execute(
        "INSERT INTO ai_jobs (kind, target_id, user_id) "
        "SELECT 'embed_journal', j.id, j.user_id FROM journal_entries j "
        "JOIN journal_sentiments s ON s.entry_id = j.id AND s.model = 'vader-sentences-emotion-1' "
        "ON CONFLICT (kind, target_id) DO NOTHING"
    )


def downgrade() -> None:
    op.execute("DELETE FROM embeddings WHERE vector_dims(embedding) <> 384")
    op.execute("UPDATE topics SET embedding = NULL WHERE vector_dims(embedding) <> 384")
    for table, column in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE vector(384)")
