"""The journal's full text stems in the user's text-search language, as the pod's does.

`setSearchLanguage` (pod settings) already re-indexed pod entries; journal entries were
always English. They get the same `search_language` column (filled on insert by the pod's
trigger function, which reads pod settings), their generated vector follows it, and a
change of the setting re-indexes the user's journal and adds the new stems to the user's
vocabulary (`search_terms`, for typo matching).

Revision ID: 0019_journal_search_language
Revises: 0018_embedding_models
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0019_journal_search_language"
down_revision = "0018_embedding_models"
branch_labels = None
depends_on = None


def _vector(config: str) -> str:
    return (
        f"setweight(to_tsvector({config}, coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector({config}, content), 'B')"
    )


def _search_vector(config: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_journal_entries_search")
    op.execute("ALTER TABLE journal_entries DROP COLUMN search_vector")
    op.execute(
        "ALTER TABLE journal_entries ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({_vector(config)}) STORED"
    )
    op.execute(
        "CREATE INDEX ix_journal_entries_search ON journal_entries USING gin (search_vector)"
    )


def upgrade() -> None:
    op.execute(
        "ALTER TABLE journal_entries ADD COLUMN search_language regconfig NOT NULL "
        "DEFAULT 'english'"
    )
    op.execute(
        "UPDATE journal_entries j SET search_language = s.search_language::regconfig "
        "FROM pod_settings s WHERE s.user_id = j.user_id AND s.search_language <> 'english'"
    )
    _search_vector("search_language")
    op.execute(
        "CREATE TRIGGER journal_entries_search_language BEFORE INSERT ON journal_entries "
        "FOR EACH ROW EXECUTE FUNCTION entries_search_language()"
    )
    op.execute(
        """
        CREATE FUNCTION journal_follows_search_language() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE journal_entries SET search_language = NEW.search_language::regconfig
            WHERE user_id = NEW.user_id AND search_language <> NEW.search_language::regconfig;
            INSERT INTO search_terms (user_id, term)
            SELECT DISTINCT user_id, unnest(tsvector_to_array(search_vector))
            FROM journal_entries WHERE user_id = NEW.user_id
            ON CONFLICT DO NOTHING;
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER journal_follows_search_language "
        "AFTER INSERT OR UPDATE OF search_language ON pod_settings "
        "FOR EACH ROW EXECUTE FUNCTION journal_follows_search_language()"
    )
    op.execute(
        "INSERT INTO search_terms (user_id, term) "
        "SELECT DISTINCT user_id, unnest(tsvector_to_array(search_vector)) FROM journal_entries "
        "WHERE search_language <> 'english'::regconfig ON CONFLICT DO NOTHING"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER journal_follows_search_language ON pod_settings")
    op.execute("DROP FUNCTION journal_follows_search_language()")
    op.execute("DROP TRIGGER journal_entries_search_language ON journal_entries")
    _search_vector("'english'::regconfig")
    op.execute("ALTER TABLE journal_entries DROP COLUMN search_language")
