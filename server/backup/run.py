"""Backing up every durable store into a folder, and restoring one into empty services."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import datastore.tables  # noqa: F401  (registers every DynamoDB table)
from datastore.kit.blobs import BlobStore, StoredBlob, open_blob_store
from datastore.kit.dynamodb import TABLES, Dynamo
from datastore.kit.settings import Settings
from server.backup import blobs, dynamodb, postgres
from server.backup.manifest import BackupError, Manifest, describe, verify_files
from server.migrate import migrate_postgres

console = Console(stderr=True)


async def backup(settings: Settings, folder: Path) -> Manifest:
    """PostgreSQL from one snapshot, then every DynamoDB table; the manifest last, so a
    folder without one is an unfinished backup."""
    await asyncio.to_thread(_new_folder, folder)
    manifest = Manifest()
    console.print(f"backup: PostgreSQL into {folder / postgres.DUMP}")
    async with _exported_snapshot(settings.database_url) as (connection, snapshot):
        manifest.alembic_revision = await postgres.revision(connection)
        manifest.postgres_rows = await postgres.counts_on(connection)
        referenced = await blobs.referenced(connection)
        await asyncio.to_thread(postgres.dump, settings.database_url, folder, snapshot)
    manifest.postgres = await asyncio.to_thread(describe, folder, postgres.DUMP)
    await _backup_blobs(settings, referenced, folder, manifest)
    async with _dynamo(settings) as dynamo, _progress("backup: DynamoDB") as advance:
        counts = await asyncio.gather(
            *(dynamodb.dump_table(dynamo, name, folder, advance) for name in TABLES)
        )
    for name, count in zip(TABLES, counts, strict=True):
        console.print(f"  {name}: {count} items")
        manifest.dynamodb[name] = await asyncio.to_thread(
            describe, folder, dynamodb.file_name(name)
        )
        manifest.dynamodb_items[name] = count
    await asyncio.to_thread(manifest.write, folder)
    rows, items = sum(manifest.postgres_rows.values()), sum(counts)
    console.print(f"backup: done: {rows} rows in {len(manifest.postgres_rows)} tables, "
                  f"{items} DynamoDB items in {len(counts)} tables, "
                  f"{manifest.blob_count} blobs ({manifest.blob_bytes} bytes)")  # fmt: skip
    return manifest


async def _backup_blobs(
    settings: Settings, referenced: list[StoredBlob], folder: Path, manifest: Manifest
) -> None:
    """The blobs the snapshot's rows point at. One the store cannot give back intact
    (deleted with its row after the snapshot, lost, damaged) is named, not copied."""
    async with _blob_store(settings) as store, _one_bar("backup: blobs", len(referenced)) as bar:
        copied = await blobs.dump(store, referenced, folder, bar)
    manifest.blob_count = len(copied.blobs)
    manifest.blob_bytes = sum(blob.size for blob in copied.blobs)
    manifest.blobs_unreadable = copied.unreadable
    manifest.blobs = await asyncio.to_thread(describe, folder, blobs.INDEX)
    for key, reason in copied.unreadable.items():
        console.print(f"  WARNING: blob {key} is {reason} in the store and is not in the backup")


async def restore(settings: Settings, folder: Path) -> Manifest:
    """Into services that hold no data: checked whole before anything is written."""
    manifest = await asyncio.to_thread(Manifest.read, folder)
    await asyncio.to_thread(verify_files, folder, manifest)
    entries = await asyncio.to_thread(blobs.read_index, folder) if manifest.blobs else []
    await asyncio.to_thread(blobs.verify, folder, entries)
    async with _dynamo(settings) as dynamo, _blob_store(settings) as store:
        await _refuse_data(settings, dynamo, store, entries)
        console.print("restore: PostgreSQL")
        await asyncio.to_thread(postgres.restore, settings.database_url, folder)
        restored_rows = await postgres.row_counts(settings.database_url)
        _same_counts("PostgreSQL", manifest.postgres_rows, restored_rows)
        await asyncio.to_thread(migrate_postgres, settings.database_url)
        await dynamodb.prepare_tables(dynamo)
        names = [name for name in manifest.dynamodb if name in TABLES]
        async with _progress("restore: DynamoDB", manifest.dynamodb_items) as advance:
            await asyncio.gather(*(dynamodb.load_table(dynamo, n, folder, advance) for n in names))
        restored = {name: await dynamodb.count_items(dynamo, name) for name in names}
        for name, count in restored.items():
            console.print(f"  {name}: {count} items")
        _same_counts("DynamoDB", {n: manifest.dynamodb_items[n] for n in names}, restored)
        async with _one_bar("restore: blobs", len(entries)) as bar:
            await blobs.load(store, folder, entries, bar)
        _same_counts("blob", {"blobs": len(entries)}, {"blobs": await blobs.held(store, entries)})
    console.print(f"restore: done, counts verified: {sum(manifest.postgres_rows.values())} rows, "
                  f"{sum(restored.values())} DynamoDB items, {len(entries)} blobs")  # fmt: skip
    return manifest


def _new_folder(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new folder.")
    folder.mkdir(parents=True, exist_ok=True)


async def _refuse_data(
    settings: Settings, dynamo: Dynamo, store: BlobStore, entries: list[blobs.IndexEntry]
) -> None:
    """Every row and item belongs to an account, so no accounts and no DynamoDB items is
    empty; rows the migrations seed (system topics) are replaced by the backup's. The blob
    store is shared and has no listing: it must hold none of the backup's keys."""
    accounts = await postgres.account_count(settings.database_url)
    held = [f"PostgreSQL users ({accounts} rows)"] if accounts else []
    held += [f"DynamoDB {table}" for table in await dynamodb.nonempty_tables(dynamo)]
    if present := await blobs.held(store, entries):
        held.append(f"the blob store ({present} of the backup's blobs)")
    if held:
        raise BackupError(
            "restore goes into empty services only, and these hold data: "
            + ", ".join(held)
            + ". Nothing was changed."
        )


def _same_counts(store: str, expected: dict[str, int], found: dict[str, int]) -> None:
    wrong = {t: (n, found.get(t, 0)) for t, n in expected.items() if found.get(t, 0) != n}
    if wrong:
        detail = ", ".join(f"{t}: {n} in the backup, {m} restored" for t, (n, m) in wrong.items())
        raise BackupError(f"{store} counts differ after restore: {detail}")


@contextlib.asynccontextmanager
async def _exported_snapshot(
    database_url: str,
) -> AsyncIterator[tuple[asyncpg.Connection, str]]:
    """A repeatable-read transaction whose snapshot pg_dump shares, so the row counts in the
    manifest are those of the dump."""
    connection = await asyncpg.connect(postgres.libpq_url(database_url))
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await connection.fetchval("SELECT pg_export_snapshot()")
            yield connection, snapshot
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def _dynamo(settings: Settings) -> AsyncIterator[Dynamo]:
    dynamo = Dynamo(
        endpoint=settings.dynamodb_endpoint,
        region=settings.dynamodb_region,
        prefix=settings.dynamodb_table_prefix,
    )
    await dynamo.start()
    try:
        yield dynamo
    finally:
        await dynamo.stop()


@contextlib.asynccontextmanager
async def _blob_store(settings: Settings) -> AsyncIterator[BlobStore]:
    store = open_blob_store(settings)
    await store.start()
    try:
        yield store
    finally:
        await store.stop()


@contextlib.asynccontextmanager
async def _one_bar(title: str, total: int) -> AsyncIterator[Callable[[int], None]]:
    with _bars(title) as progress:
        task = progress.add_task("blobs", total=total)
        yield lambda count: progress.update(task, advance=count)
    console.print(f"  {total} blobs")


@contextlib.asynccontextmanager
async def _progress(
    title: str, totals: dict[str, int] | None = None
) -> AsyncIterator[dynamodb.Advance]:
    with _bars(title) as progress:
        tasks = {name: progress.add_task(name, total=(totals or {}).get(name)) for name in TABLES}

        def advance(table: str, items: int) -> None:
            progress.update(tasks[table], advance=items)

        yield advance


@contextlib.contextmanager
def _bars(title: str) -> Iterator[Progress]:
    console.print(title)
    with Progress(
        TextColumn("  {task.description:<24}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,  # then one line per table, also in logs without a terminal
    ) as progress:
        yield progress
