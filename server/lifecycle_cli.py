"""`personalpod purge-account`: an operator deletes an account, after the grace period or
`--now`, with each step's count as it goes (a live status line on a terminal, one line per
step in logs) and the verification per store at the end."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console

from datastore.accounts.repository.users import UserRepository
from datastore.kit.errors import DomainError
from datastore.kit.settings import Settings
from datastore.lifecycle.service import Progress
from server.container import Container

console = Console(stderr=True, highlight=False, soft_wrap=True)


def _say(line: str) -> None:
    console.print(f"personalpod: {line}", markup=False)


async def purge_account(settings: Settings, *, login: str, now: bool) -> None:
    container = Container.build(settings)
    await container.start(run_workers=False)
    try:
        services = container.services
        async with services.clients.db() as db:
            user = await UserRepository(db).get_by_login(login.strip())
        if user is None:
            raise SystemExit(f"personalpod: no account {login!r}; nothing was changed.")
        try:
            delete_after = await services.accounts.schedule_deletion(user.id, now=now)
        except DomainError as error:
            raise SystemExit(f"personalpod: {error.message} Nothing was changed.") from error
        if not now:
            when = f"{delete_after:%Y-%m-%d %H:%M} UTC"
            _say(f"{user.email}: signed out everywhere; purged after {when}")
            return
        _say(f"{user.email}: purging every store")
        with _steps() as step:
            report = await services.lifecycle.run_once(user.id, progress=step)
        if report is None:
            raise SystemExit("personalpod: a worker is purging this account right now.")
        counts = ", ".join(f"{store} {n}" for store, n in report.left.per_store().items())
        _say(f"verified: left of {user.email}: {counts}")
        if report.left.total:
            raise SystemExit(f"personalpod: not everything was erased: {report.left.nonzero()}")
    finally:
        await container.stop()


@contextlib.contextmanager
def _steps() -> Iterator[Progress]:
    """A status line naming the step running now (terminals only), and a line per step."""
    with console.status("purging", spinner="dots") as status:

        def step(name: str, count: int) -> None:
            console.print(f"  {name}: {count}", markup=False)
            status.update(f"purging: {name} done")

        yield step
