"""`personalpod export` and `personalpod import`: an operator's way to take one account's
data out as an archive, or bring an archive's pod and journal into an account."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from datastore.exports.exporter import Progress as Advance
from datastore.exports.service import Caller
from datastore.kit.errors import DomainError
from datastore.kit.settings import Settings
from datastore.services import Services
from server.container import Container

# soft_wrap: a message is one line however narrow the terminal (or none, in a pipe).
console = Console(stderr=True, soft_wrap=True, highlight=False)


def _refuse(message: str) -> NoReturn:
    """One line on stderr and exit status 2, as the other commands' expected failures."""
    console.print(f"personalpod: {message}", markup=False)
    raise SystemExit(2)


def _operator(user_id: uuid.UUID, command: str) -> Caller:
    """An operator's command as the audit log sees it: no session, no address."""
    return Caller(user_id, None, None, f"personalpod {command}")


async def export_account(settings: Settings, login: str, output: Path) -> None:
    if await asyncio.to_thread(output.exists):
        _refuse(f"{output} exists; choose a new file. Nothing was written.")
    async with _services(settings) as services:
        user_id = await _user(services, login)
        partial = output.with_name(output.name + ".partial")
        try:
            async with _bar("export") as advance:
                written = await services.exports.export_to_file(
                    _operator(user_id, "export"), partial, progress=advance
                )
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    manifest = written.manifest
    items = sum(manifest.counts().values())
    console.print(
        f"personalpod: exported {items} items in {len(manifest.files)} files and "
        f"{manifest.stored_files} attachment files to {output} "
        f"(sync position {manifest.sync_seq})"
    )


async def import_archive(settings: Settings, login: str, archive: Path) -> None:
    if not await asyncio.to_thread(archive.is_file):
        _refuse(f"no file {archive}. Nothing was imported.")
    async with _services(settings) as services:
        user_id = await _user(services, login)
        try:
            async with _bar("import") as advance:
                report = await services.exports.import_archive(
                    _operator(user_id, "import"), archive, progress=advance
                )
        except DomainError as error:
            _refuse(error.message)
    for kind in report.kinds:
        console.print(f"  {kind.kind}: {kind.created} created, {kind.skipped} skipped")
    console.print(f"personalpod: imported archive {report.archive_id}: {report.created} created")


@asynccontextmanager
async def _services(settings: Settings) -> AsyncIterator[Services]:
    container = Container.build(settings)
    await container.start(run_workers=False)
    try:
        yield container.services
    finally:
        await container.stop()


async def _user(services: Services, login: str) -> uuid.UUID:
    user_id = await services.exports.user_id_by_login(login)
    if user_id is None:
        _refuse(f"no account {login!r}. Nothing was done.")
    return user_id


@asynccontextmanager
async def _bar(what: str) -> AsyncIterator[Advance]:
    """A progress bar of steps (sections exported, kinds imported) on stderr."""
    columns = (
        TextColumn(f"{what}:"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(what, total=None)

        async def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield advance
