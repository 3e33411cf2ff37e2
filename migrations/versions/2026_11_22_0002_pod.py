"""The pod: entries, categories, tags, activity, settings and wrapped data keys.

Revision ID: 0002_pod
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0002_pod"
down_revision = "0001"
branch_labels = None
depends_on = None

LANGUAGES = (
    "simple",
    "english",
    "french",
    "german",
    "spanish",
    "italian",
    "portuguese",
    "dutch",
    "russian",
    "swedish",
    "norwegian",
    "danish",
    "finnish",
)

_TIMESTAMPS = """
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
"""

STATEMENTS = [
    f"""
    CREATE TABLE pod_settings (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        search_language text NOT NULL DEFAULT 'english'
            CHECK (search_language IN ({", ".join(f"'{lang}'" for lang in LANGUAGES)})),
        updated_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE pod_data_keys (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        master_key_id text NOT NULL,
        wrapped_key bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rewrapped_at timestamptz
    )
    """,
    # Rotation walks the keys still wrapped by an old master key.
    "CREATE INDEX ix_pod_data_keys_master_key_id ON pod_data_keys (master_key_id)",
    f"""
    CREATE TABLE categories (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        parent_id uuid,
        name varchar(100) NOT NULL,
        color varchar(7) CHECK (color ~ '^#[0-9a-f]{{6}}$'),
        icon varchar(64),
        position integer NOT NULL DEFAULT 0,
        system_key varchar(32),
        version integer NOT NULL DEFAULT 1,
        {_TIMESTAMPS},
        CONSTRAINT uq_categories_id_user_id UNIQUE (id, user_id),
        CONSTRAINT uq_categories_user_id_system_key UNIQUE (user_id, system_key),
        CONSTRAINT ck_categories_not_own_parent CHECK (parent_id <> id),
        -- A parent always belongs to the same user, whatever the code above does.
        CONSTRAINT fk_categories_parent FOREIGN KEY (parent_id, user_id)
            REFERENCES categories (id, user_id) ON DELETE SET NULL (parent_id)
    )
    """,
    "CREATE INDEX ix_categories_user_id_parent_id ON categories (user_id, parent_id, position)",
    f"""
    CREATE TABLE entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind varchar(16) NOT NULL
            CHECK (kind IN ('NOTE', 'PASSWORD', 'DOCUMENT', 'BOOKMARK', 'TASK', 'CONTACT')),
        status varchar(16) NOT NULL DEFAULT 'ACTIVE'
            CHECK (status IN ('DRAFT', 'ACTIVE', 'ARCHIVED', 'DELETED')),
        previous_status varchar(16),
        title text NOT NULL,
        body text,
        fields jsonb NOT NULL DEFAULT '{{}}'::jsonb,
        sealed bytea,
        sensitive boolean NOT NULL DEFAULT false,
        category_id uuid,
        version integer NOT NULL DEFAULT 1,
        expires_at timestamptz,
        deleted_at timestamptz,
        {_TIMESTAMPS},
        -- Set from pod_settings by a trigger; the generated column needs a regconfig
        -- value on the row because a generated expression cannot read another table.
        search_language regconfig NOT NULL DEFAULT 'english',
        search tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector(search_language, title), 'A') ||
            setweight(to_tsvector(search_language, coalesce(body, '')), 'B') ||
            setweight(jsonb_to_tsvector(search_language, fields, '["string"]'), 'B')
        ) STORED,
        CONSTRAINT uq_entries_id_user_id UNIQUE (id, user_id),
        CONSTRAINT ck_entries_deleted_at CHECK ((status = 'DELETED') = (deleted_at IS NOT NULL)),
        CONSTRAINT fk_entries_category FOREIGN KEY (category_id, user_id)
            REFERENCES categories (id, user_id) ON DELETE SET NULL (category_id)
    )
    """,
    # Keyset pages in each sort order, per user.
    "CREATE INDEX ix_entries_user_created ON entries (user_id, created_at DESC, id DESC)",
    "CREATE INDEX ix_entries_user_updated ON entries (user_id, updated_at DESC, id DESC)",
    "CREATE INDEX ix_entries_user_title ON entries (user_id, lower(title), id)",
    "CREATE INDEX ix_entries_user_category ON entries (user_id, category_id)",
    "CREATE INDEX ix_entries_search ON entries USING gin (search)",
    "CREATE INDEX ix_entries_trash ON entries (deleted_at) WHERE status = 'DELETED'",
    "CREATE INDEX ix_entries_expiry ON entries (expires_at) WHERE expires_at IS NOT NULL",
    """
    CREATE FUNCTION entries_search_language() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_language := coalesce(
            (SELECT search_language FROM pod_settings WHERE user_id = NEW.user_id), 'english'
        )::regconfig;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER entries_search_language BEFORE INSERT ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_search_language()
    """,
    f"""
    CREATE TABLE tags (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name varchar(64) NOT NULL,
        slug varchar(80) NOT NULL,
        color varchar(7) CHECK (color ~ '^#[0-9a-f]{{6}}$'),
        usage_count integer NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
        version integer NOT NULL DEFAULT 1,
        {_TIMESTAMPS},
        CONSTRAINT uq_tags_id_user_id UNIQUE (id, user_id),
        CONSTRAINT uq_tags_user_id_slug UNIQUE (user_id, slug)
    )
    """,
    """
    CREATE TABLE entry_tags (
        entry_id uuid NOT NULL,
        tag_id uuid NOT NULL,
        user_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_entry_tags PRIMARY KEY (entry_id, tag_id),
        -- Both sides belong to the same user: no cross-user tagging, even by a bug.
        CONSTRAINT fk_entry_tags_entry FOREIGN KEY (entry_id, user_id)
            REFERENCES entries (id, user_id) ON DELETE CASCADE,
        CONSTRAINT fk_entry_tags_tag FOREIGN KEY (tag_id, user_id)
            REFERENCES tags (id, user_id) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX ix_entry_tags_tag_id ON entry_tags (tag_id)",
    # The usage count is exact under concurrency: each row change takes the tag's row
    # lock through UPDATE, so increments from parallel transactions serialise.
    """
    CREATE FUNCTION entry_tags_usage() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE tags SET usage_count = usage_count + 1 WHERE id = NEW.tag_id;
        ELSE
            UPDATE tags SET usage_count = usage_count - 1 WHERE id = OLD.tag_id;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER entry_tags_usage AFTER INSERT OR DELETE ON entry_tags
    FOR EACH ROW EXECUTE FUNCTION entry_tags_usage()
    """,
    """
    CREATE TABLE activity_logs (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        session_id varchar(64),
        action varchar(32) NOT NULL,
        entity_type varchar(16) NOT NULL,
        -- The GraphQL type of the entity ('Note', 'Category', ...): its global id's
        -- prefix, still known after the entry is purged.
        node_type varchar(16) NOT NULL,
        entity_id uuid NOT NULL,
        entry_id uuid,
        old_values jsonb,
        new_values jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX ix_activity_logs_user_id_id ON activity_logs (user_id, id)",
    "CREATE INDEX ix_activity_logs_user_entry ON activity_logs (user_id, entry_id, id)",
]


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for table in ("activity_logs", "entry_tags", "tags", "entries", "categories"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP FUNCTION IF EXISTS entry_tags_usage()")
    op.execute("DROP FUNCTION IF EXISTS entries_search_language()")
    op.execute("DROP TABLE IF EXISTS pod_data_keys")
    op.execute("DROP TABLE IF EXISTS pod_settings")
