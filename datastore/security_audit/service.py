"""Recording security events into the chain, and reading a user's own events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.request_id import current_request_id
from datastore.kit.settings import Settings
from datastore.security_audit.chain import (
    FORMAT_VERSION,
    GENESIS,
    AuditKeys,
    ChainedValues,
    keyed_hash,
    seal,
)
from datastore.security_audit.events import MAX_ID, SecurityEvent
from datastore.security_audit.repository import SecurityAuditRepository
from datastore.security_audit.tables import SecurityAuditLogRow


def audit_keys(settings: Settings) -> AuditKeys:
    """AUDIT_HASH_KEY, AUDIT_SIGNING_KEY and AUDIT_VERIFY_KEYS_OLD, ready to use."""
    return AuditKeys.build(
        settings.audit_hash_key_bytes, settings.audit_signing_seed, settings.audit_old_verify_keys
    )


class SecurityAuditLog:
    def __init__(
        self,
        keys: AuditKeys,
        db: async_sessionmaker[AsyncSession],
        read_db: async_sessionmaker[AsyncSession],
    ) -> None:
        self.keys = keys
        self.db = db
        self.read_db = read_db

    async def record(self, db: AsyncSession, event: SecurityEvent) -> None:
        """Append `event` in the caller's transaction, so it commits with the change it
        describes. The chain's tail stays locked until that commit: record last."""
        repository = SecurityAuditRepository(db)
        await repository.lock_tail()
        row_id, prev_hash = await repository.next_link()
        values = self._values(row_id, prev_hash or GENESIS, event)
        row_hash, signature = seal(self.keys, values)
        await repository.append(
            SecurityAuditLogRow(**vars(values), row_hash=row_hash, signature=signature)
        )

    async def record_alone(self, event: SecurityEvent) -> None:
        """Append `event` in a transaction of its own (a failed sign-in changes nothing else)."""
        async with self.db() as db, db.begin():
            await self.record(db, event)

    def user_hash(self, user_id: uuid.UUID) -> bytes:
        hashed = keyed_hash(self.keys.hash_key, "user", str(user_id))
        assert hashed is not None
        return hashed

    async def events_for_user(
        self, user_id: uuid.UUID, *, before_id: int | None, limit: int
    ) -> list[SecurityAuditLogRow]:
        """A user's own events, newest first, found by their keyed user hash."""
        async with self.read_db() as db:
            return await SecurityAuditRepository(db).page_for_user_hash(
                self.user_hash(user_id), before_id=before_id, limit=limit
            )

    def _values(self, row_id: int, prev_hash: bytes, event: SecurityEvent) -> ChainedValues:
        key = self.keys.hash_key
        request_id = current_request_id.get()
        return ChainedValues(
            id=row_id,
            version=FORMAT_VERSION,
            prev_hash=prev_hash,
            key_id=self.keys.current_key_id,
            event_type=event.type.value,
            category=event.category.value,
            severity=event.effective_severity.value,
            user_hash=keyed_hash(
                key, "user", None if event.user_id is None else str(event.user_id)
            ),
            session_hash=keyed_hash(key, "session", event.session_id),
            ip_hash=keyed_hash(key, "ip", event.ip),
            user_agent_hash=keyed_hash(key, "user_agent", event.user_agent),
            correlation_id=event.correlation_id,
            request_id=request_id[:MAX_ID] if request_id else None,
            message=event.message,
            success=event.success,
            error_code=event.error_code,
            processing_time_ms=event.processing_time_ms,
            # Microseconds, as PostgreSQL stores them: the hash is over what is read back.
            created_at=datetime.now(UTC),
        )
