"""An index on the model that wrote each embedding.

Every AI worker start asks whether vectors of another model are stored (adopting a new
EMBEDDING_MODEL, datastore/journal/service/ai_worker.py). Without an index the usual answer,
none, read the whole table; with it the lowest and highest model names are two index
lookups.

Revision ID: 0020_embedding_model_index
Revises: 0019_journal_search_language
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0020_embedding_model_index"
down_revision = "0019_journal_search_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_embeddings_model", "embeddings", ["model"])


def downgrade() -> None:
    op.drop_index("ix_embeddings_model", table_name="embeddings")
