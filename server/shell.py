"""`personalpod shell`: a Python console on the real services, for operators.

The container's services are started on a private event loop; `run(coro)` runs a
coroutine on it, e.g. `run(services.accounts.sign_out_everywhere(...))`."""

from __future__ import annotations

import asyncio
import code
import sys

from datastore.kit.settings import Settings
from server.container import Container

BANNER = (
    "personalpod shell: `settings`, `services` (started), `run(coroutine)`; "
    "Ctrl-D leaves (services are stopped)."
)


def interact(settings: Settings) -> None:
    loop = asyncio.new_event_loop()
    container = Container.build(settings)
    loop.run_until_complete(container.start(run_workers=False))
    names = {"settings": settings, "services": container.services, "run": loop.run_until_complete}
    interactive = sys.stdin.isatty()
    if not interactive:
        sys.ps1 = sys.ps2 = ""  # a script piped in gets only its own output
    try:
        code.interact(banner=BANNER if interactive else "", local=names, exitmsg="")
    finally:
        loop.run_until_complete(container.stop())
        loop.close()
