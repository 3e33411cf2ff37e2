"""Serving an app with a real uvicorn inside the tests' own event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import uvicorn


@contextlib.asynccontextmanager
async def running(config: uvicorn.Config) -> AsyncIterator[None]:
    """Serve `config` until the block is left; a failure to start raises here."""
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        await task
