"""The pod's background work: purge old trash and remove expired entries."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.polling import drain_forever
from datastore.pod.repository.entries import EntryRepository
from datastore.pod.service.changes import Actor
from datastore.pod.service.journal import Journal

log = structlog.get_logger("personalpod.pod.maintenance")

BATCH_SIZE = 200


class PodMaintenance:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        invalidate: Callable[[uuid.UUID], Awaitable[None]],
        *,
        trash_days: int,
        interval_seconds: float,
    ) -> None:
        self.db = db
        self.invalidate = invalidate
        self.trash_days = trash_days
        self.interval_seconds = interval_seconds

    async def run(self) -> None:
        """Forever: drain due work, then sleep. Safe to run in many processes at once."""
        await drain_forever(
            self.run_once,
            interval_seconds=lambda: self.interval_seconds,
            failure_event="pod_maintenance_failed",
            log=log,
        )

    async def run_once(self) -> int:
        """Remove one batch of expired entries and old trash; how many were removed."""
        cutoff = datetime.now(UTC) - timedelta(days=self.trash_days)
        journals: dict[uuid.UUID, Journal] = {}
        async with self.db() as db, db.begin():
            repository = EntryRepository(db)
            rows = await repository.lock_due_for_removal(trash_before=cutoff, limit=BATCH_SIZE)
            if not rows:
                return 0
            # After the query, so nothing it found expired counts as merely purged.
            now = datetime.now(UTC)
            await repository.delete([r.id for r in rows])
            for row in rows:
                expired = row.expires_at is not None and row.expires_at <= now
                journal = journals.get(row.user_id)
                if journal is None:
                    journal = journals[row.user_id] = Journal(db, Actor(row.user_id, None))
                journal.activity(
                    "EXPIRED" if expired else "PURGED",
                    "ENTRY",
                    row.id,
                    kind=row.kind,
                    old={"title": row.title, "status": row.status},
                )
                journal.change("ENTRY", row.id, "DELETED", row.version + 1, kind=row.kind)
            # One activity INSERT per user, not per row.
            for journal in journals.values():
                await journal.flush()
        for user_id in journals:
            await self.invalidate(user_id)
        log.info("pod_entries_removed", count=len(rows))
        return len(rows)
