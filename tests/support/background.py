"""Stopping one of the live server's background tasks for a test (a worker going down)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any


@contextlib.asynccontextmanager
async def background_down(
    server: Any,
    matches: Callable[[asyncio.Task[Any]], bool],
    restart: Callable[[], Coroutine[Any, Any, None]],
    name: str,
) -> AsyncIterator[None]:
    """Cancel the server's running tasks that `matches`; start `restart()` as `name` after."""
    container = server.container
    stopped = [t for t in container.background if not t.done() and matches(t)]
    for task in stopped:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        container.background.remove(task)
    try:
        yield
    finally:
        container.background.append(asyncio.create_task(restart(), name=name))


def media_worker_down(server: Any) -> contextlib.AbstractAsyncContextManager[None]:
    """The server's media job (thumbnails, stripped images) stopped, restarted after: a
    test then sees files as uploaded, or runs the job by hand."""
    job = server.services.media
    return background_down(server, lambda t: t.get_name() == MEDIA_WORKER, job.run, MEDIA_WORKER)


MEDIA_WORKER = "media-worker"
