"""Bring PostgreSQL (Alembic) and DynamoDB (tables, TTLs) to the code's shape, idempotently."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config

import datastore.tables  # noqa: F401  (every table and DynamoDB spec)
from datastore.kit.dynamodb import Dynamo, create_tables
from datastore.kit.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def migrate_postgres(database_url: str) -> None:
    """Run every pending Alembic migration (call from outside an event loop)."""
    # "heads": each domain's migrations may branch from the base; all are applied.
    command.upgrade(alembic_config(database_url), "heads")


async def migrate_dynamodb(settings: Settings, log: Callable[[str], None] = print) -> None:
    dynamo = Dynamo(
        endpoint=settings.dynamodb_endpoint,
        region=settings.dynamodb_region,
        prefix=settings.dynamodb_table_prefix,
    )
    await dynamo.start()
    try:
        await create_tables(dynamo, log)
    finally:
        await dynamo.stop()
