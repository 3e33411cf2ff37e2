"""Moves committed outbox rows to their sinks (Redis pub/sub now; the sync log later).

At least once and in order per user: one relay at a time holds a PostgreSQL advisory
lock, reads pending rows in id order (a user's ids follow their sequence), hands them to
every sink, then marks them published. A crash between the two republishes; consumers
drop events whose `seq` they have seen. LISTEN/NOTIFY wakes the relay right after a
commit; a short poll covers a missed notification.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

import orjson
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from datastore.kit import metrics
from datastore.kit.events import user_channel
from datastore.outbox.repository import OutboxRepository, PendingEvent

log = structlog.get_logger("personalpod.outbox")

RELAY_LOCK_KEY = 0x50_4F_44_01  # "POD" + 1: any constant shared by every relay
BATCH_SIZE = 500
POLL_SECONDS = 1.0
KEEP_PUBLISHED = timedelta(days=1)

Sink = Callable[[Sequence[PendingEvent]], Awaitable[None]]


def encode_event(event: PendingEvent) -> bytes:
    return orjson.dumps(
        {
            "userId": str(event.user_id),
            "seq": event.seq,
            "topic": event.topic,
            "payload": event.payload,
            "at": event.created_at.isoformat(),
        }
    )


def redis_sink(publish: Callable[[str, bytes], Awaitable[object]]) -> Sink:
    async def publish_all(events: Sequence[PendingEvent]) -> None:
        for event in events:
            await publish(user_channel(event.user_id), encode_event(event))

    return publish_all


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        sinks: list[Sink],
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.sinks = sinks
        self._wake = asyncio.Event()
        self._last_cleanup = datetime.min.replace(tzinfo=UTC)

    async def run(self) -> None:
        """Relay forever; waits for the leader lock when another relay holds it."""
        while True:
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox_relay_failed")
                await asyncio.sleep(POLL_SECONDS)

    async def _lead(self) -> None:
        async with self.engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None  # an open asyncpg connection
            while not await raw.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY):
                await asyncio.sleep(POLL_SECONDS * 2)
            await raw.add_listener("outbox", self._notified)
            log.info("outbox_relay_leading")
            try:
                while True:
                    while await self.relay_once():
                        pass
                    await self._cleanup()
                    self._wake.clear()
                    # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a
                    # cancel that lands as the event fires, and the relay never stops.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(POLL_SECONDS):
                            await self._wake.wait()
            finally:
                # Closing the connection releases the advisory lock and the LISTEN even
                # when cancelled mid-await; a pooled connection would keep holding them.
                with contextlib.suppress(Exception):
                    await connection.invalidate()

    def _notified(self, *_args: object) -> None:
        self._wake.set()

    async def relay_once(self) -> int:
        """Relay one batch; how many events it moved."""
        async with self.sessions() as session, session.begin():
            outbox = OutboxRepository(session)
            events = await outbox.list_pending(limit=BATCH_SIZE)
            if not events:
                return 0
            for sink in self.sinks:
                await sink(events)
            await outbox.mark_published([e.id for e in events])
        _record_relayed(events)
        return len(events)

    async def _cleanup(self) -> None:
        now = datetime.now(UTC)
        if now - self._last_cleanup < timedelta(minutes=10):
            return
        self._last_cleanup = now
        async with self.sessions() as session, session.begin():
            await OutboxRepository(session).delete_published_before(now - KEEP_PUBLISHED)


def _record_relayed(events: Sequence[PendingEvent]) -> None:
    now = datetime.now(UTC)
    metrics.OUTBOX_RELAYED.inc(len(events))
    for event in events:
        metrics.OUTBOX_RELAY_LAG.observe(max((now - event.created_at).total_seconds(), 0.0))
