"""Walking the whole chain in id order, in batches: what `personalpod verify-audit` runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.security_audit.chain import GENESIS, AuditKeys, Break, check
from datastore.security_audit.repository import SecurityAuditRepository


@dataclass(frozen=True)
class Verification:
    """How many rows verified, the last good row, and where and why it broke (if it did)."""

    verified: int
    head_id: int | None
    head_hash: bytes
    broken_id: int | None = None
    reason: Break | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


async def count_rows(db: async_sessionmaker[AsyncSession]) -> int:
    async with db() as session:
        return await SecurityAuditRepository(session).count()


async def verify_chain(
    db: async_sessionmaker[AsyncSession],
    keys: AuditKeys,
    *,
    batch_size: int = 1000,
    progress: Callable[[int], None] = lambda _done: None,
) -> Verification:
    """Check every link and signature from the first row on; stop at the first break.

    Rows appended meanwhile are checked too if reached: ids only grow along the chain."""
    verified, head_id, head_hash = 0, None, GENESIS
    while True:
        async with db() as session:
            rows = await SecurityAuditRepository(session).batch_after(
                head_id or 0, limit=batch_size
            )
        if not rows:
            return Verification(verified, head_id, head_hash)
        for row in rows:
            reason = check(keys, row.chained_values(), row.row_hash, row.signature, head_hash)
            if reason is not None:
                return Verification(verified, head_id, head_hash, row.id, reason)
            verified, head_id, head_hash = verified + 1, row.id, row.row_hash
        progress(len(rows))
