"""Pausing the live server's outbox relay for a test."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tests.support.background import background_down


@contextlib.asynccontextmanager
async def relay_paused(server) -> AsyncIterator[None]:
    """Stop the server's own relay so a test relay is the only one moving rows."""
    container = server.container
    relays = [t for t in container.background if t.get_name() == "outbox-relay"]
    assert len(relays) == 1, relays

    def restart():
        return container.outbox_relay().run()

    async with background_down(server, lambda t: t in relays, restart, "outbox-relay"):
        yield
