"""The loop of a background worker: drain batches of due work, then sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog


async def drain_forever(
    batch: Callable[[], Awaitable[int]],
    *,
    interval_seconds: Callable[[], float],
    failure_event: str,
    log: structlog.stdlib.BoundLogger,
) -> None:
    """Run `batch` until it finds nothing, sleep, repeat. A failed pass is logged and
    retried after the sleep; work claimed with SKIP LOCKED is safe in many processes."""
    while True:
        try:
            while await batch():
                pass
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception(failure_event)
        await asyncio.sleep(interval_seconds())
