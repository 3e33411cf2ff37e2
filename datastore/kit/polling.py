"""The loop of a background worker: drain batches of due work, then sleep, unless woken."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import structlog

from datastore.kit.errors import EventsMayBeMissed, TemporarilyUnavailable
from datastore.kit.pubsub import Broker

# How long a worker's first pass waits for its wake-up channel to be subscribed: a request
# made after that pass then wakes the worker, none falls between the two.
SUBSCRIBE_WAIT_SECONDS = 5.0


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


@contextlib.asynccontextmanager
async def woken_by(
    broker: Broker,
    channel: str,
    wake: asyncio.Event,
    *,
    retry_seconds: Callable[[], float],
    log: structlog.stdlib.BoundLogger,
) -> AsyncIterator[None]:
    """While the block runs, a message on Redis `channel` (work queued by another process)
    sets `wake`. While Redis cannot be reached the poll finds the work, and the channel is
    subscribed again every `retry_seconds()`."""
    subscribed = asyncio.Event()
    listener = asyncio.create_task(
        _wake_on_messages(broker, channel, wake, subscribed, retry_seconds, log),
        name=f"wake:{channel}",
    )
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SUBSCRIBE_WAIT_SECONDS):
                await subscribed.wait()
        yield
    finally:
        # Again until it ends: a cancel that lands while redis-py subscribes can be lost.
        while not listener.done():
            listener.cancel()
            await asyncio.wait({listener}, timeout=1)


async def _wake_on_messages(
    broker: Broker,
    channel: str,
    wake: asyncio.Event,
    subscribed: asyncio.Event,
    retry_seconds: Callable[[], float],
    log: structlog.stdlib.BoundLogger,
) -> None:
    while True:
        try:
            async with broker.subscribe(channel) as subscription:
                subscribed.set()
                async for _message in subscription:
                    wake.set()
        except EventsMayBeMissed:  # a message may have been lost in the gap: look now
            wake.set()
        except Exception as error:
            subscribed.set()  # the poll stands in meanwhile
            if not isinstance(error, TemporarilyUnavailable):
                log.exception("wake_channel_failed", channel=channel)
            await asyncio.sleep(retry_seconds())
