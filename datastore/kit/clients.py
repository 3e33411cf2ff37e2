"""The long-lived clients of one process: PostgreSQL, DynamoDB, Redis, pub/sub, rate limits."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from datastore.kit.blobs import BlobStore, open_blob_store
from datastore.kit.dynamodb import Dynamo
from datastore.kit.postgres import (
    create_engine,
    create_read_session_factory,
    create_session_factory,
)
from datastore.kit.pubsub import Broker
from datastore.kit.ratelimit import RateLimiter
from datastore.kit.raw_reads import RawReads
from datastore.kit.settings import Settings

REDIS_CONNECT_TIMEOUT_SECONDS = 2.0
# The raw reads' pool, beside the engine's 10 (+10 overflow): one statement each, quickly back.
RAW_READ_CONNECTIONS = 10
# The pub/sub reader notices a silently dead connection within this many seconds.
PUBSUB_HEALTH_CHECK_SECONDS = 15


class ServiceUnavailable(Exception):
    """A backing service cannot be reached; the message says which and how to fix it."""


@dataclass
class Clients:
    settings: Settings
    engine: AsyncEngine
    # Sessions for writes (a transaction each) and for single-statement reads (autocommit).
    db: async_sessionmaker[AsyncSession]
    read_db: async_sessionmaker[AsyncSession]
    # The hottest single-statement reads, on asyncpg directly.
    raw_reads: RawReads
    dynamo: Dynamo
    redis: redis.Redis
    broker: Broker
    limiter: RateLimiter
    # Attachment and media bytes: a folder or an S3 bucket (BLOB_STORE).
    blobs: BlobStore

    @classmethod
    def build(cls, settings: Settings, *, count_statements: bool = False) -> Clients:
        """Clients for `settings`; nothing connects until `start`."""
        engine = create_engine(settings.database_url, count_statements=count_statements)
        client = redis_client(settings)
        return cls(
            settings=settings,
            engine=engine,
            db=create_session_factory(engine),
            read_db=create_read_session_factory(engine),
            raw_reads=RawReads(
                engine, size=RAW_READ_CONNECTIONS, count_statements=count_statements
            ),
            dynamo=Dynamo(
                endpoint=settings.dynamodb_endpoint,
                region=settings.dynamodb_region,
                prefix=settings.dynamodb_table_prefix,
            ),
            redis=client,
            broker=Broker(client, listener=pubsub_client(settings)),
            limiter=RateLimiter(client),
            blobs=open_blob_store(settings),
        )

    async def start(self) -> None:
        await self.dynamo.start()
        await self.blobs.start()
        await self.check()
        await self.broker.start()

    async def stop(self) -> None:
        await self.broker.stop()
        await self.dynamo.stop()
        await self.blobs.stop()
        await self.redis.aclose()
        if self.broker.listener is not self.redis:
            await self.broker.listener.aclose()
        await self.raw_reads.close()
        await self.engine.dispose()

    async def check(self) -> dict[str, str]:
        """Reach each backing service; raise ServiceUnavailable naming the first that fails."""
        status = await self.readiness()
        for name, state in status.items():
            if state != "ok":
                raise ServiceUnavailable(f"{name} is unreachable ({state}): {_HINTS[name]}")
        return status

    async def readiness(self) -> dict[str, str]:
        checks = {
            "postgres": self._ping_postgres(),
            "dynamodb": self.dynamo.ping(),
            "redis": self.redis.ping(),
        }
        results = await asyncio.gather(
            *(asyncio.wait_for(c, timeout=3) for c in checks.values()), return_exceptions=True
        )
        status = {
            name: "ok" if not isinstance(r, BaseException) else _describe(r)
            for name, r in zip(checks, results, strict=True)
        }
        # Redis may answer PING while this process's subscriptions still hear nothing.
        problem = self.broker.delivery_problem()
        if status["redis"] == "ok" and problem:
            status["redis"] = problem
        return status

    async def _ping_postgres(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))


def redis_client(settings: Settings) -> redis.Redis:
    """The shared Redis client: a bounded pool that makes a request wait for a connection
    (up to the pool timeout) rather than fail, and retries a stale connection once."""
    pool = redis.BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_max_connections,
        timeout=settings.redis_pool_timeout_seconds,
        socket_connect_timeout=REDIS_CONNECT_TIMEOUT_SECONDS,
        # After a Redis restart every pooled socket is dead: one quick retry reconnects.
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), retries=1),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError],
    )
    return redis.Redis(connection_pool=pool)


def pubsub_client(settings: Settings) -> redis.Redis:
    """The pub/sub reader's own client: no silent retries, since `Broker` must see every
    disconnect to tell subscribers about the gap."""
    return redis.Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=REDIS_CONNECT_TIMEOUT_SECONDS,
        health_check_interval=PUBSUB_HEALTH_CHECK_SECONDS,
        retry=Retry(NoBackoff(), retries=0),
    )


_HINTS = {
    "postgres": "check DATABASE_URL, or unset it to use the embedded PostgreSQL (make run)",
    "dynamodb": "check DYNAMODB_ENDPOINT, or unset it to use the embedded DynamoDB Local",
    "redis": "check REDIS_URL, or unset it to use an embedded redis-server",
}


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    return f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
