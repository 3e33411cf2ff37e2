"""The loop of a background worker: drain batches of due work, then sleep."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog


async def drain_forever(
    batch: Callable[[], Awaitable[int]],
    *,
    interval_seconds: Callable[[], float],
    failure_event: str,
    log: structlog.stdlib.BoundLogger,
    wake: asyncio.Event | None = None,
) -> None:
    """Run `batch` until it finds nothing, sleep, repeat. A failed pass is logged and
    retried after the sleep; work claimed with SKIP LOCKED is safe in many processes.
    Setting `wake` (work queued by this process) ends the sleep at once."""
    while True:
        if wake is not None:
            wake.clear()  # before the pass: work queued during it wakes the next one
        try:
            while await batch():
                pass
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception(failure_event)
        if wake is None:
            await asyncio.sleep(interval_seconds())
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), interval_seconds())
