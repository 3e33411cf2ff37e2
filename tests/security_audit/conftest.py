"""A database of its own for the chain tests, so tampering never touches the suite's log."""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from datastore.kit.postgres import (
    create_engine,
    create_read_session_factory,
    create_session_factory,
)
from datastore.kit.settings import Settings
from datastore.security_audit.chain import AuditKeys
from datastore.security_audit.events import SecurityEvent, SecurityEventType
from datastore.security_audit.service import SecurityAuditLog
from server.migrate import migrate_postgres


@dataclass
class ChainDatabase:
    """A migrated database with an empty `security_audit_logs`, and a log writing to it."""

    url: str
    engine: AsyncEngine
    env: dict[str, str]

    def log(self, signing_seed: bytes) -> SecurityAuditLog:
        keys = AuditKeys.build(base64.b64decode(self.env["AUDIT_HASH_KEY"]), signing_seed)
        return SecurityAuditLog(
            keys, create_session_factory(self.engine), create_read_session_factory(self.engine)
        )

    @property
    def seed(self) -> bytes:
        return base64.b64decode(self.env["AUDIT_SIGNING_KEY"])

    async def append(self, count: int, *, seed: bytes | None = None) -> None:
        log = self.log(seed or self.seed)
        for n in range(count):
            await log.record_alone(
                SecurityEvent(SecurityEventType.SIGN_IN, f"event {n}", ip=f"192.0.2.{n}")
            )

    async def tamper(self, statement: str, **params: object) -> None:
        """Run SQL as the table's owner would, past the append-only trigger."""
        async with self.engine.begin() as connection:
            await connection.execute(text("SET LOCAL session_replication_role = replica"))
            await connection.execute(text(statement), params)


@pytest.fixture(scope="module")
async def chain_database(
    settings: Settings, service_env: dict[str, str]
) -> AsyncIterator[ChainDatabase]:
    name = f"audit_{secrets.token_hex(4)}"
    server_url = make_url(settings.database_url)
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.set(database=name).render_as_string(hide_password=False)
    await asyncio.to_thread(migrate_postgres, url)
    engine = create_engine(url, pool_size=5)
    try:
        yield ChainDatabase(url, engine, {**service_env, "DATABASE_URL": url})
    finally:
        await engine.dispose()
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def chain(chain_database: ChainDatabase) -> ChainDatabase:
    """The chain database with an empty log: each test starts from the genesis row."""
    await chain_database.tamper("TRUNCATE security_audit_logs")
    return chain_database
