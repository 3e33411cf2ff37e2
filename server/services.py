"""The long-lived clients of one server process, opened at start and closed at stop."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as redis
import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from datastore.accounts.authenticator import Authenticator
from datastore.accounts.passwords import PasswordHasher
from datastore.accounts.service import AccountService
from datastore.accounts.sessions import SessionRepository
from datastore.kit.dynamodb import Dynamo
from datastore.kit.postgres import (
    create_engine,
    create_read_session_factory,
    create_session_factory,
)
from datastore.kit.pubsub import Broker
from datastore.kit.ratelimit import RateLimiter
from datastore.kit.settings import Settings
from datastore.outbox.relay import OutboxRelay, redis_sink
from server.domains import all_domains, import_stores

log = structlog.get_logger("personalpod.services")


class ServiceUnavailable(Exception):
    """A backing service cannot be reached; the message says which and how to fix it."""


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    db: async_sessionmaker[AsyncSession]
    read_db: async_sessionmaker[AsyncSession]
    dynamo: Dynamo
    redis: redis.Redis
    broker: Broker
    limiter: RateLimiter
    authenticator: Authenticator
    accounts: AccountService
    session_repository: SessionRepository
    background: list[asyncio.Task[None]] = field(default_factory=list)
    domain_services: dict[str, Any] = field(default_factory=dict)

    def domain(self, name: str) -> Any:
        """The long-lived service a domain registered under `name`."""
        return self.domain_services[name]

    @classmethod
    def build(cls, settings: Settings, *, count_statements: bool = False) -> Services:
        engine = create_engine(settings.database_url, count_statements=count_statements)
        db = create_session_factory(engine)
        dynamo = Dynamo(
            endpoint=settings.dynamodb_endpoint,
            region=settings.dynamodb_region,
            prefix=settings.dynamodb_table_prefix,
        )
        client = redis.Redis.from_url(settings.redis_url)
        session_repository = SessionRepository(dynamo)
        limiter = RateLimiter(client)
        authenticator = Authenticator(client, session_repository)
        accounts = AccountService(
            settings=settings,
            db=db,
            sessions=session_repository,
            authenticator=authenticator,
            limiter=limiter,
            hasher=PasswordHasher(settings.password_hash_profile),
        )
        authenticator.touch_user = accounts.touch_user
        import_stores()
        services = cls(
            settings=settings,
            engine=engine,
            db=db,
            read_db=create_read_session_factory(engine),
            dynamo=dynamo,
            redis=client,
            broker=Broker(client),
            limiter=limiter,
            authenticator=authenticator,
            accounts=accounts,
            session_repository=session_repository,
        )
        for domain in all_domains():
            if domain.service is not None:
                services.domain_services[domain.name] = domain.service(services)
        return services

    async def start(self, *, run_workers: bool) -> None:
        await self.dynamo.start()
        await self.check()
        await self.broker.start()
        if run_workers:
            self._start_workers()

    def _start_workers(self) -> None:
        self.background.append(asyncio.create_task(self.outbox_relay().run(), name="outbox-relay"))
        for domain in all_domains():
            for runner in domain.workers(self) if domain.workers else []:
                self.background.append(asyncio.create_task(runner(), name=f"{domain.name}-worker"))

    def outbox_relay(self) -> OutboxRelay:
        """The relay to every sink the domains registered, then to Redis pub/sub: a client
        woken by a live event then finds the sync log written and the caches invalidated."""
        sinks = []
        for domain in all_domains():
            sinks.extend(domain.sinks(self) if domain.sinks else [])
        sinks.append(redis_sink(self.broker.publish))
        return OutboxRelay(self.engine, self.db, sinks)

    async def stop(self) -> None:
        for task in self.background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.broker.stop()
        await self.dynamo.stop()
        await self.redis.aclose()
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
        return {
            name: "ok" if not isinstance(r, BaseException) else _describe(r)
            for name, r in zip(checks, results, strict=True)
        }

    async def _ping_postgres(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))


_HINTS = {
    "postgres": "check DATABASE_URL, or unset it to use the embedded PostgreSQL (make run)",
    "dynamodb": "check DYNAMODB_ENDPOINT, or unset it to use the embedded DynamoDB Local",
    "redis": "check REDIS_URL, or unset it to use an embedded redis-server",
}


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    return f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
