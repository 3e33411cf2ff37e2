"""Every query on `exports` and `import_records`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.exports.tables import Export, ImportRecord

# Rows per INSERT: far below PostgreSQL's 65,535 bind parameters (7 per row).
RECORD_BATCH = 1000


class ExportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, user_id: uuid.UUID) -> Export:
        statement = insert(Export).values(user_id=user_id).returning(Export)
        return (await self.session.execute(statement)).scalar_one()

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[Export]:
        rows = await self.session.execute(select(Export).where(Export.id.in_(ids)))
        return list(rows.scalars())

    async def page_for_user(
        self, user_id: uuid.UUID, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[Export]:
        """Newest first, after a (created_at, id) keyset; `limit` rows."""
        statement = select(Export).where(Export.user_id == user_id)
        if after is not None:
            statement = statement.where(tuple_(Export.created_at, Export.id) < after)
        statement = statement.order_by(Export.created_at.desc(), Export.id.desc()).limit(limit)
        return list((await self.session.execute(statement)).scalars())

    async def claim_next(self, *, stale_before: datetime, max_attempts: int) -> Export | None:
        """The oldest waiting export (or one whose worker died: RUNNING since before
        `stale_before`), locked for this worker; SKIP LOCKED lets many workers share."""
        statement = (
            select(Export)
            .where(
                Export.attempts < max_attempts,
                or_(
                    Export.status == "PENDING",
                    and_(Export.status == "RUNNING", Export.claimed_at < stale_before),
                ),
            )
            .order_by(Export.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def set_values(self, export_id: uuid.UUID, **values: Any) -> Export:
        statement = (
            update(Export)
            .where(Export.id == export_id)
            .values(**values)
            .returning(Export)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def set_progress(self, export_id: uuid.UUID, progress: int) -> None:
        """Only while it runs: a finished or reclaimed job keeps its state."""
        await self.session.execute(
            update(Export)
            .where(Export.id == export_id, Export.status == "RUNNING")
            .values(progress=progress)
        )

    async def lock_expired(self, *, now: datetime, limit: int) -> list[Export]:
        """READY archives past their expiry, locked (SKIP LOCKED) for deletion."""
        statement = (
            select(Export)
            .where(Export.status == "READY", Export.expires_at <= now)
            .order_by(Export.expires_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(statement)).scalars())

    async def lock_exhausted(self, *, stale_before: datetime, max_attempts: int) -> list[Export]:
        """RUNNING jobs whose workers died as often as allowed: to be marked FAILED."""
        statement = (
            select(Export)
            .where(
                Export.status == "RUNNING",
                Export.claimed_at < stale_before,
                Export.attempts >= max_attempts,
            )
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(statement)).scalars())

    async def count_since(self, user_id: uuid.UUID, since: datetime) -> int:
        statement = select(func.count()).where(
            Export.user_id == user_id, Export.created_at >= since
        )
        return (await self.session.execute(statement)).scalar_one()


class ImportRecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_archive(self, user_id: uuid.UUID, archive_id: uuid.UUID) -> None:
        """Serialise imports of one archive into one account, until the transaction ends."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"import:{user_id}:{archive_id}"},
        )

    async def targets(
        self, user_id: uuid.UUID, archive_id: uuid.UUID, kind: str
    ) -> dict[uuid.UUID, uuid.UUID]:
        """Source id -> the id it has in this account, for what an earlier import of this
        archive brought in."""
        statement = select(ImportRecord.source_id, ImportRecord.target_id).where(
            ImportRecord.user_id == user_id,
            ImportRecord.archive_id == archive_id,
            ImportRecord.kind == kind,
        )
        return {key: value for key, value in await self.session.execute(statement)}

    async def record(
        self,
        user_id: uuid.UUID,
        archive_id: uuid.UUID,
        kind: str,
        pairs: Sequence[tuple[uuid.UUID, uuid.UUID, bool]],
    ) -> None:
        """Remember (source id, target id, created) of each object brought in."""
        if not pairs:
            return
        rows = [
            {
                "user_id": user_id,
                "archive_id": archive_id,
                "kind": kind,
                "source_id": source,
                "target_id": target,
                "created": created,
            }
            for source, target, created in pairs
        ]
        for start in range(0, len(rows), RECORD_BATCH):
            await self.session.execute(
                insert(ImportRecord).values(rows[start : start + RECORD_BATCH])
            )
