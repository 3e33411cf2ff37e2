"""Redis pub/sub with one connection per process, fanned out to per-subscriber queues.

One reader task owns the pub/sub connection; each local subscriber gets its own bounded
asyncio queue. A Redis channel is subscribed while at least one local subscriber wants it.
If Redis goes away the reader reconnects with backoff, resubscribes every channel that still
has local subscribers, and tells each of those subscribers that events may have been missed
(`EventsMayBeMissed`): clients resubscribe and catch up with cursor queries, so a message
lost in the gap is never the only copy of the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from collections import defaultdict
from collections.abc import AsyncIterator

import redis.asyncio as redis
import structlog

from datastore.kit import metrics
from datastore.kit.errors import EventsMayBeMissed, TemporarilyUnavailable

log = structlog.get_logger("personalpod.pubsub")

QUEUE_SIZE = 1000
SUBSCRIBE_CONFIRM_SECONDS = 5.0
RECONNECT_FIRST_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 5.0
# How long the reader sleeps when no channel is subscribed, before looking again.
IDLE_SECONDS = 1.0
REDIS_ERRORS = (redis.ConnectionError, redis.TimeoutError, OSError)


class _Signal(enum.Enum):
    OVERFLOW = "overflow"
    GAP = "gap"


class SubscriberOverflow(EventsMayBeMissed):
    """A subscriber fell too far behind; it must resubscribe and catch up with a cursor."""


def _live_delivery_down() -> TemporarilyUnavailable:
    return TemporarilyUnavailable("Live delivery is reconnecting: subscribe again shortly.")


class Subscription:
    def __init__(self, broker: Broker, channels: tuple[str, ...]) -> None:
        self.broker = broker
        self.channels = channels
        # Each message carries when the reader took it off Redis, for the delivery lag.
        self.queue: asyncio.Queue[tuple[str, bytes, float] | _Signal] = asyncio.Queue(QUEUE_SIZE)
        self.overflowed = False

    def deliver(self, channel: str, data: bytes, received: float) -> None:
        try:
            self.queue.put_nowait((channel, data, received))
        except asyncio.QueueFull:
            self._overflow()

    def missed(self) -> None:
        """Tell the subscriber that events may have been missed before this point."""
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(_Signal.GAP)
        except asyncio.QueueFull:
            self._overflow()

    def _overflow(self) -> None:
        self.overflowed = True
        metrics.PUBSUB_OVERFLOWS.inc()
        self.broker.unregister(self)
        self.queue.get_nowait()
        self.queue.put_nowait(_Signal.OVERFLOW)

    async def next(self, *, timeout: float) -> tuple[str, bytes] | None:
        """The next message, or None when none came within `timeout` seconds.

        Raises EventsMayBeMissed at a gap; after a reconnect gap the subscription goes on."""
        try:
            # Not wait_for, which on 3.11 can swallow a cancel racing a message.
            async with asyncio.timeout(timeout):
                item = await self.queue.get()
        except TimeoutError:
            return None
        return _message(item)

    def __aiter__(self) -> AsyncIterator[tuple[str, bytes]]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[tuple[str, bytes]]:
        while True:
            yield _message(await self.queue.get())


def _message(item: tuple[str, bytes, float] | _Signal) -> tuple[str, bytes]:
    if item is _Signal.OVERFLOW:
        raise SubscriberOverflow("You fell behind on live events: subscribe again, then catch up.")
    if item is _Signal.GAP:
        raise EventsMayBeMissed()
    channel, data, received = item
    metrics.PUBSUB_LAG.observe(time.monotonic() - received)
    return channel, data


class Broker:
    def __init__(self, client: redis.Redis, *, listener: redis.Redis | None = None) -> None:
        # `client` publishes; `listener` owns the pub/sub connection. It should not retry on
        # its own: a silent reconnect would resubscribe without telling anyone of the gap.
        self.client = client
        self.listener = listener or client
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)
        self._connection: redis.client.PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._connected = False
        self._confirmations: dict[str, list[asyncio.Future[None]]] = defaultdict(list)
        # Channels resubscribed after a reconnect: their subscribers hear of the gap once
        # Redis confirms, so nothing after the notice is missed.
        self._gaps: set[str] = set()

    @property
    def _pubsub(self) -> redis.client.PubSub:
        if self._connection is None:
            raise RuntimeError("Broker.start() was not called")
        return self._connection

    def delivery_problem(self) -> str | None:
        """Why live delivery is down right now (the reader is reconnecting), else None."""
        if self._reader is None or self._connected:
            return None
        return "live delivery down: pub/sub reader reconnecting"

    async def start(self) -> None:
        self._connection = self.listener.pubsub()
        self._connected = True  # the first SUBSCRIBE connects
        self._reader = asyncio.create_task(self._read_forever(), name="pubsub-reader")

    async def stop(self) -> None:
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._connection:
            with contextlib.suppress(*REDIS_ERRORS):
                await self._connection.aclose()

    async def publish(self, channel: str, data: bytes | str) -> int:
        return await self.client.publish(channel, data)

    async def publish_many(self, messages: list[tuple[str, bytes | str]]) -> None:
        """Publish each (channel, data) in order, in one round trip."""
        if not messages:
            return
        async with self.client.pipeline(transaction=False) as pipeline:
            for channel, data in messages:
                pipeline.publish(channel, data)
            await pipeline.execute()

    @contextlib.asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[Subscription]:
        """Receive every message published to `channels` while the block runs.

        Raises TemporarilyUnavailable while Redis cannot be reached."""
        subscription = Subscription(self, channels)
        confirmed = await self._register(subscription)
        try:
            # Once Redis confirms SUBSCRIBE, no message published afterwards is missed.
            if confirmed:
                try:
                    await asyncio.wait_for(asyncio.gather(*confirmed), SUBSCRIBE_CONFIRM_SECONDS)
                except TimeoutError as error:
                    raise _live_delivery_down() from error
            yield subscription
        finally:
            await self._release(subscription)

    async def _register(self, subscription: Subscription) -> list[asyncio.Future[None]]:
        """Add a local subscriber; SUBSCRIBE the channels nobody here listened to yet."""
        async with self._lock:
            if not self._connected:
                raise _live_delivery_down()
            channels = subscription.channels
            new = [c for c in channels if not self._subscribers[c]]
            for channel in channels:
                self._subscribers[channel].add(subscription)
            confirmed = [self._expect_confirmation(c) for c in new]
            if not new:
                return confirmed
            try:
                if not self._pubsub.subscribed:
                    await self._fresh_connection()
                await self._pubsub.subscribe(*new)
            except REDIS_ERRORS as error:
                self.unregister(subscription)
                for channel in new:
                    self._subscribers.pop(channel, None)
                    self._confirmations.pop(channel, None)
                # The reader rebuilds the connection: a half-dead one must not linger.
                self._disconnected(error)
                raise _live_delivery_down() from error
            self._wake.set()
            return confirmed

    def unregister(self, subscription: Subscription) -> None:
        for channel in subscription.channels:
            self._subscribers[channel].discard(subscription)

    async def _release(self, subscription: Subscription) -> None:
        async with self._lock:
            self.unregister(subscription)
            idle = [c for c in subscription.channels if not self._subscribers.get(c)]
            for channel in idle:
                self._subscribers.pop(channel, None)
                self._gaps.discard(channel)
            if idle and self._connected:
                with contextlib.suppress(*REDIS_ERRORS):
                    await self._pubsub.unsubscribe(*idle)

    async def _read_forever(self) -> None:
        delay = RECONNECT_FIRST_SECONDS
        while True:
            try:
                if not self._connected:
                    await self._reconnect()
                    delay = RECONNECT_FIRST_SECONDS
                if not self._pubsub.subscribed:
                    # No connection to read from yet: get_message would fail.
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(IDLE_SECONDS):  # wait_for may eat a cancel
                            await self._wake.wait()
                    continue
                message = await self._pubsub.get_message(timeout=1.0)
                if message and message["type"] == "message":
                    self._dispatch(message["channel"], message["data"])
                elif message and message["type"] == "subscribe":
                    self._confirm(message["channel"])
            except asyncio.CancelledError:
                raise
            except REDIS_ERRORS as error:
                self._disconnected(error)
                log.info("pubsub_reconnect_wait", error=str(error), seconds=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
            except Exception:
                log.exception("pubsub_reader_error")
                await asyncio.sleep(delay)

    def _disconnected(self, error: BaseException) -> None:
        """Live delivery is down until `_reconnect`; pending SUBSCRIBEs fail now."""
        if self._connected:
            log.warning("pubsub_disconnected", error=str(error))
        self._connected = False
        for futures in self._confirmations.values():
            for future in futures:
                if not future.done():
                    future.set_exception(_live_delivery_down())
        self._confirmations.clear()

    async def _reconnect(self) -> None:
        """A fresh pub/sub connection, subscribed to every channel with local subscribers."""
        async with self._lock:
            await self.listener.ping()  # still down: raise, and the reader backs off
            await self._fresh_connection()
            channels = [c for c, subscribers in self._subscribers.items() if subscribers]
            if channels:
                self._gaps.update(channels)
                await self._pubsub.subscribe(*channels)
            self._connected = True
        metrics.PUBSUB_RECONNECTS.inc()
        log.warning("pubsub_reconnected", channels=len(channels))

    async def _fresh_connection(self) -> None:
        """Replace the pub/sub connection. An idle one may have died unnoticed (nobody reads
        it), and the pool checks a connection's health when it hands one out."""
        old, self._connection = self._connection, self.listener.pubsub()
        if old is not None:
            with contextlib.suppress(*REDIS_ERRORS):
                await old.aclose()

    def _expect_confirmation(self, channel: str) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._confirmations[channel].append(future)
        return future

    def _confirm(self, channel: bytes | str) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        for future in self._confirmations.pop(name, []):
            if not future.done():
                future.set_result(None)
        if name in self._gaps:
            self._gaps.discard(name)
            for subscription in list(self._subscribers.get(name, ())):
                subscription.missed()

    def _dispatch(self, channel: bytes | str, data: bytes) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        received = time.monotonic()
        for subscription in list(self._subscribers.get(name, ())):
            subscription.deliver(name, data, received)
