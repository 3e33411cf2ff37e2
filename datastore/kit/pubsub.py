"""Redis pub/sub with one connection per process, fanned out to per-subscriber queues.

One reader task owns the pub/sub connection; each local subscriber gets its own bounded
asyncio queue. A Redis channel is subscribed while at least one local subscriber wants it.
If Redis goes away the reader reconnects and resubscribes; clients catch up with cursor
queries, so a message lost in the gap is never the only copy of the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator

import redis.asyncio as redis
import structlog

log = structlog.get_logger("personalpod.pubsub")

QUEUE_SIZE = 1000


class SubscriberOverflow(Exception):
    """A subscriber fell too far behind; it must resubscribe and catch up with a cursor."""


class Subscription:
    def __init__(self, broker: Broker, channels: tuple[str, ...]) -> None:
        self.broker = broker
        self.channels = channels
        self.queue: asyncio.Queue[tuple[str, bytes] | None] = asyncio.Queue(QUEUE_SIZE)
        self.overflowed = False

    def deliver(self, channel: str, data: bytes) -> None:
        try:
            self.queue.put_nowait((channel, data))
        except asyncio.QueueFull:
            self.overflowed = True
            self.broker.unregister(self)
            self.queue.get_nowait()
            self.queue.put_nowait(None)

    async def next(self, *, timeout: float) -> tuple[str, bytes] | None:
        """The next message, or None when none came within `timeout` seconds."""
        try:
            # Not wait_for, which on 3.11 can swallow a cancel racing a message.
            async with asyncio.timeout(timeout):
                item = await self.queue.get()
        except TimeoutError:
            return None
        if item is None:
            raise SubscriberOverflow("subscriber fell behind")
        return item

    def __aiter__(self) -> AsyncIterator[tuple[str, bytes]]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[tuple[str, bytes]]:
        while True:
            item = await self.queue.get()
            if item is None:
                raise SubscriberOverflow("subscriber fell behind")
            yield item


class Broker:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)
        self._connection: redis.client.PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._has_channels = asyncio.Event()
        self._confirmations: dict[str, list[asyncio.Future[None]]] = defaultdict(list)

    @property
    def _pubsub(self) -> redis.client.PubSub:
        if self._connection is None:
            raise RuntimeError("Broker.start() was not called")
        return self._connection

    async def start(self) -> None:
        self._connection = self.client.pubsub()
        self._reader = asyncio.create_task(self._read_forever(), name="pubsub-reader")

    async def stop(self) -> None:
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._connection:
            await self._connection.aclose()

    async def publish(self, channel: str, data: bytes | str) -> int:
        return await self.client.publish(channel, data)

    @contextlib.asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[Subscription]:
        """Receive every message published to `channels` while the block runs."""
        subscription = Subscription(self, channels)
        async with self._lock:
            new = [c for c in channels if not self._subscribers[c]]
            for channel in channels:
                self._subscribers[channel].add(subscription)
            confirmed = [self._expect_confirmation(c) for c in new]
            if new:
                await self._pubsub.subscribe(*new)
                self._has_channels.set()
        try:
            # Once Redis confirms SUBSCRIBE, no message published afterwards is missed.
            if confirmed:
                await asyncio.wait_for(asyncio.gather(*confirmed), timeout=5)
            yield subscription
        finally:
            await self._release(subscription)

    def unregister(self, subscription: Subscription) -> None:
        for channel in subscription.channels:
            self._subscribers[channel].discard(subscription)

    async def _release(self, subscription: Subscription) -> None:
        async with self._lock:
            self.unregister(subscription)
            idle = [c for c in subscription.channels if not self._subscribers.get(c)]
            for channel in idle:
                self._subscribers.pop(channel, None)
            if idle:
                with contextlib.suppress(redis.ConnectionError):
                    await self._pubsub.unsubscribe(*idle)

    async def _read_forever(self) -> None:
        while True:
            try:
                await self._has_channels.wait()
                message = await self._pubsub.get_message(timeout=1.0)
                if message and message["type"] == "message":
                    self._dispatch(message["channel"], message["data"])
                elif message and message["type"] == "subscribe":
                    self._confirm(message["channel"])
            except asyncio.CancelledError:
                raise
            except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
                log.warning("pubsub_reconnect", error=str(error))
                await asyncio.sleep(0.5)
                await self._resubscribe()
            except Exception:
                log.exception("pubsub_reader_error")
                await asyncio.sleep(0.5)

    def _expect_confirmation(self, channel: str) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._confirmations[channel].append(future)
        return future

    def _confirm(self, channel: bytes | str) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        for future in self._confirmations.pop(name, []):
            if not future.done():
                future.set_result(None)

    def _dispatch(self, channel: bytes | str, data: bytes) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        for subscription in list(self._subscribers.get(name, ())):
            subscription.deliver(name, data)

    async def _resubscribe(self) -> None:
        async with self._lock:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
            self._connection = self.client.pubsub()
            channels = list(self._subscribers)
            if channels:
                with contextlib.suppress(redis.ConnectionError, OSError):
                    await self._pubsub.subscribe(*channels)
