"""The purge plan covers every table that can hold a user's data, so a new table cannot be
forgotten: these fail until its line is added to datastore/lifecycle/plan.py."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import UUID

import datastore.tables  # noqa: F401  (every table and DynamoDB spec)
from datastore.kit.dynamodb import TABLES
from datastore.kit.postgres import Base
from datastore.lifecycle.plan import BLOBS, DYNAMODB, POSTGRES, UNOWNED_BLOBS, UNREFERENCED
from datastore.lifecycle.repository.postgres import USER_FOREIGN_KEYS, PostgresEraser


def test_every_foreign_key_to_users_in_the_models_has_a_policy() -> None:
    declared = {
        (table.name, fk.parent.name)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "users"
    }
    assert declared - set(POSTGRES) == set()


def test_every_user_id_column_without_a_foreign_key_has_a_policy() -> None:
    unreferenced = {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if column.name == "user_id"
        and isinstance(column.type, UUID)
        and not any(fk.column.table.name == "users" for fk in column.foreign_keys)
    }
    assert unreferenced - set(UNREFERENCED) == set()


def test_every_blob_key_column_has_its_owner_in_the_plan() -> None:
    blob_columns = {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if column.name.endswith(("blob_key", "thumbnail_key")) and table.name not in UNOWNED_BLOBS
    }
    assert blob_columns == set(BLOBS)
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    for (table, _), owner in BLOBS.items():
        assert (table, owner) in POSTGRES, (table, owner)
        assert owner in tables[table].columns


def test_every_registered_dynamodb_table_has_a_step() -> None:
    assert set(TABLES) - set(DYNAMODB) == set()


async def test_every_foreign_key_to_users_in_the_database_has_a_policy(server) -> None:
    # given: the migrated database's own catalogue
    async with server.services.clients.db() as db:
        found = {(t, c) for t, c in (await db.execute(text(USER_FOREIGN_KEYS))).all()}
    # then
    assert found - set(POSTGRES) == set()
    assert ("entries", "user_id") in found  # the catalogue query finds real keys


async def test_a_new_table_with_a_user_key_is_found_and_counted(server, client) -> None:
    # given: a table that no plan line names, holding a row of a user
    account = await client.sign_up()
    eraser = PostgresEraser(server.services.clients.db, batch=10)
    async with server.services.clients.db() as db, db.begin():
        await db.execute(
            text(
                "CREATE TABLE lifecycle_probe (owner uuid REFERENCES users (id) ON DELETE CASCADE)"
            )
        )
        await db.execute(text("INSERT INTO lifecycle_probe VALUES (:u)"), {"u": account.uuid})
    try:
        # when
        columns = await eraser.user_columns()
        left = await eraser.leftovers(account.uuid)
        async with server.services.clients.db() as db:
            keys = {(t, c) for t, c in (await db.execute(text(USER_FOREIGN_KEYS))).all()}
    finally:
        async with server.services.clients.db() as db, db.begin():
            await db.execute(text("DROP TABLE lifecycle_probe"))
    # then: the verification counts it, and the plan check would fail
    assert ("lifecycle_probe", "owner") in columns
    assert left["lifecycle_probe.owner"] == 1
    assert keys - set(POSTGRES) == {("lifecycle_probe", "owner")}
