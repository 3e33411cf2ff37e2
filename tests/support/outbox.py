"""Pausing the live server's outbox relay for a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


@contextlib.asynccontextmanager
async def relay_paused(server) -> AsyncIterator[None]:
    """Stop the server's own relay so a test relay is the only one moving rows."""
    services = server.container
    (task,) = [t for t in services.background if t.get_name() == "outbox-relay"]
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    services.background.remove(task)
    try:
        yield
    finally:
        relay = services.outbox_relay()
        services.background.append(asyncio.create_task(relay.run(), name="outbox-relay"))
