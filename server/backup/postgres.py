"""PostgreSQL in a backup: pg_dump's custom format, restored in one transaction.

The tools are PostgreSQL 16's from the `pgserver` package (the embedded server's own), so
they match the server's major version; `PG_BIN_DIR` may name another installation's."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import asyncpg

from server.backup.manifest import BackupError

DUMP = "postgres.dump"
# Rows of these are the schema's own bookkeeping, not data.
BOOKKEEPING = frozenset({"alembic_version"})


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy asyncpg URL as libpq and asyncpg take it."""
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def tool(name: str) -> str:
    configured = os.environ.get("PG_BIN_DIR")
    if configured:
        return str(Path(configured) / name)
    with contextlib.suppress(ImportError):
        from pgserver._commands import POSTGRES_BIN_PATH

        if (POSTGRES_BIN_PATH / name).exists():
            return str(POSTGRES_BIN_PATH / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install PostgreSQL 16's tools or set PG_BIN_DIR.")
    return found


def dump(database_url: str, folder: Path, snapshot: str) -> str:
    """pg_dump of the whole database, as of an exported `snapshot`, into `folder`."""
    _run(
        [tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
         f"--snapshot={snapshot}", f"--file={folder / DUMP}", "--dbname", libpq_url(database_url)],
        "pg_dump",
    )  # fmt: skip
    return DUMP


def restore(database_url: str, folder: Path) -> None:
    """Replace the (empty) database's schema with the dump's, all or nothing."""
    _run(
        [tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", "--dbname", libpq_url(database_url),
         str(folder / DUMP)],
        "pg_restore",
    )  # fmt: skip


async def row_counts(database_url: str) -> dict[str, int]:
    """Exact rows of every table in the public schema (bookkeeping tables left out)."""
    connection = await asyncpg.connect(libpq_url(database_url))
    try:
        return await counts_on(connection)
    finally:
        await connection.close()


async def account_count(database_url: str) -> int:
    """Accounts in the database; 0 also when it has no schema yet."""
    connection = await asyncpg.connect(libpq_url(database_url))
    try:
        if await connection.fetchval("SELECT to_regclass('public.users')") is None:
            return 0
        return await connection.fetchval("SELECT count(*) FROM public.users")
    finally:
        await connection.close()


async def counts_on(connection: asyncpg.Connection) -> dict[str, int]:
    tables = await connection.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )
    counts = {}
    for record in tables:
        name = record["tablename"]
        if name not in BOOKKEEPING:
            # The name comes from the catalogue, quoted as an identifier.
            counts[name] = await connection.fetchval(f'SELECT count(*) FROM public."{name}"')  # noqa: S608
    return counts


async def revision(connection: asyncpg.Connection) -> str | None:
    """The Alembic head(s) the data is at, so a restore knows which code wrote it."""
    if await connection.fetchval("SELECT to_regclass('public.alembic_version')") is None:
        return None
    rows = await connection.fetch("SELECT version_num FROM alembic_version ORDER BY 1")
    return ",".join(r["version_num"] for r in rows) or None


def _run(argv: list[str], what: str) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=3600, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")
