"""Every query of `security_audit_logs`."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.security_audit.tables import SecurityAuditLogRow

# pg_advisory_xact_lock key of the chain's tail ("PPAUDIT" in ASCII): one appender at a
# time, until its transaction ends.
CHAIN_LOCK = 0x50504155444954


class SecurityAuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_tail(self) -> None:
        """Wait for the chain's tail; held until this transaction commits or rolls back."""
        await self.session.execute(select(func.pg_advisory_xact_lock(CHAIN_LOCK)))

    async def next_link(self) -> tuple[int, bytes | None]:
        """(id for the new row, hash of the current last row or None), in one statement.

        Under `lock_tail` both are the chain's: ids only grow while the lock is held."""
        row = (
            await self.session.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('security_audit_logs', 'id')),"
                    " (SELECT row_hash FROM security_audit_logs ORDER BY id DESC LIMIT 1)"
                )
            )
        ).one()
        return int(row[0]), row[1]

    async def append(self, row: SecurityAuditLogRow) -> None:
        self.session.add(row)
        await self.session.flush()

    async def page_for_user_hash(
        self, user_hash: bytes, *, before_id: int | None, limit: int
    ) -> list[SecurityAuditLogRow]:
        """A user's rows, newest first, `limit` of them before the `before_id` cursor."""
        statement = select(SecurityAuditLogRow).where(SecurityAuditLogRow.user_hash == user_hash)
        if before_id is not None:
            statement = statement.where(SecurityAuditLogRow.id < before_id)
        statement = statement.order_by(SecurityAuditLogRow.id.desc()).limit(limit)
        return list((await self.session.execute(statement)).scalars())

    async def batch_after(self, after_id: int, *, limit: int) -> list[SecurityAuditLogRow]:
        """The chain in order: `limit` rows after `after_id` (0 = from the start)."""
        statement = (
            select(SecurityAuditLogRow)
            .where(SecurityAuditLogRow.id > after_id)
            .order_by(SecurityAuditLogRow.id)
            .limit(limit)
        )
        return list((await self.session.execute(statement)).scalars())

    async def count(self) -> int:
        return int(
            await self.session.scalar(select(func.count()).select_from(SecurityAuditLogRow)) or 0
        )
