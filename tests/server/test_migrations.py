"""The Alembic migrations build the tables and columns the models declare.

Migrations are hand-written and are the source of truth for indexes, constraints and
triggers (models declare only what queries need), so this compares tables and columns.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import datastore.tables  # noqa: F401  (every table and DynamoDB spec)
from datastore.kit.postgres import Base

COLUMN_CHANGES = {
    "add_table",
    "remove_table",
    "add_column",
    "remove_column",
    "modify_type",
    "modify_nullable",
}

# Columns only the database itself uses (set and read by triggers and generated columns).
DATABASE_ONLY = {("entries", "search_language"), ("journal_entries", "search_language")}


def _kind(change: tuple | list) -> str:
    # Column modifications come wrapped in a list of one tuple.
    return change[0][0] if isinstance(change, list) else change[0]


async def test_migrated_tables_and_columns_match_the_models(server) -> None:
    # given
    # when
    async with server.services.clients.engine.connect() as connection:
        changes = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    # then
    drift = [
        c
        for c in changes
        if _kind(c) in COLUMN_CHANGES
        and not (_kind(c) == "remove_column" and (c[2], c[3].name) in DATABASE_ONLY)
    ]
    assert drift == []
