"""Queries on `psychology_insights`, on `insight_jobs`, the debounced per-user queue, and on
`insight_refreshes`, when each user's insights next change with the date alone."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.insights.found import FoundInsight
from datastore.insights.tables import InsightRefresh, PsychologyInsight
from datastore.kit.postgres import rowcount

InsightKey = tuple[datetime, uuid.UUID]
_STORED = ("insight_type", "title", "message", "data", "confidence", "evidence_entry_ids")


def insight_key(row: PsychologyInsight) -> InsightKey:
    return (row.created_at, row.id)


@dataclass(frozen=True)
class InsightFilter:
    insight_type: str | None = None
    include_dismissed: bool = False


class InsightRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[PsychologyInsight]:
        rows = await self.session.execute(
            select(PsychologyInsight).where(PsychologyInsight.id.in_(ids))
        )
        return list(rows.scalars())

    async def page(
        self, user_id: uuid.UUID, f: InsightFilter, *, limit: int, after: InsightKey | None
    ) -> list[PsychologyInsight]:
        """Up to `limit` of my insights after the `after` key, newest first."""
        statement = select(PsychologyInsight).where(PsychologyInsight.user_id == user_id)
        if f.insight_type is not None:
            statement = statement.where(PsychologyInsight.insight_type == f.insight_type)
        if not f.include_dismissed:
            statement = statement.where(PsychologyInsight.dismissed_at.is_(None))
        if after is not None:
            key = tuple_(PsychologyInsight.created_at, PsychologyInsight.id)
            statement = statement.where(key < tuple_(*after))
        statement = statement.order_by(
            PsychologyInsight.created_at.desc(), PsychologyInsight.id.desc()
        ).limit(limit)
        return list((await self.session.execute(statement)).scalars())

    async def dismiss(self, user_id: uuid.UUID, insight_id: uuid.UUID) -> PsychologyInsight | None:
        """Mark my insight dismissed (the first time counts); None if it is not mine."""
        statement = (
            update(PsychologyInsight)
            .where(PsychologyInsight.id == insight_id, PsychologyInsight.user_id == user_id)
            .values(dismissed_at=func.coalesce(PsychologyInsight.dismissed_at, func.now()))
            .returning(PsychologyInsight)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def lock_user(self, user_id: uuid.UUID) -> None:
        """One recomputation of a user's insights at a time, until the transaction ends."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext('insights:' || :user_id))"),
            {"user_id": str(user_id)},
        )

    async def save(self, user_id: uuid.UUID, found: Sequence[FoundInsight]) -> list[uuid.UUID]:
        """Insert or update each insight by its key (unchanged rows are left alone); the ids
        of the ones that are new."""
        if not found:
            return []
        values = insert(PsychologyInsight).values(
            [
                {
                    "user_id": user_id,
                    "insight_type": f.insight_type,
                    "key": f.key,
                    "title": f.title,
                    "message": f.message,
                    "data": f.data,
                    "confidence": f.confidence,
                    "evidence_entry_ids": list(f.evidence),
                }
                for f in found
            ]
        )
        current = tuple_(*(getattr(PsychologyInsight, c) for c in _STORED))
        proposed = tuple_(*(getattr(values.excluded, c) for c in _STORED))
        statement: Any = values.on_conflict_do_update(
            constraint="uq_psychology_insights_user_key",
            set_={**{c: getattr(values.excluded, c) for c in _STORED}, "updated_at": func.now()},
            where=current.is_distinct_from(proposed),
        ).returning(PsychologyInsight.id, literal_column("xmax = 0"))
        rows = await self.session.execute(statement)
        return [row_id for row_id, inserted in rows if inserted]

    async def delete_stale(self, user_id: uuid.UUID, keep: Sequence[str]) -> int:
        """Drop my insights that no longer hold, but keep dismissed ones (a dismissal sticks
        if the pattern comes back)."""
        result = await self.session.execute(
            text(
                "DELETE FROM psychology_insights WHERE user_id = :user_id "
                "AND dismissed_at IS NULL AND NOT (key = ANY(:keep))"
            ),
            {"user_id": user_id, "keep": list(keep)},
        )
        return rowcount(result)


_ENQUEUE = text(
    """
    INSERT INTO insight_jobs (user_id, run_after)
    VALUES (:user_id, now() + make_interval(secs => :debounce))
    ON CONFLICT (user_id) DO UPDATE
    SET run_after = least(now() + make_interval(secs => :debounce),
                          insight_jobs.created_at + make_interval(secs => :max_wait)),
        token = gen_random_uuid(), attempts = 0
    """
)
_CLAIM = text(
    """
    UPDATE insight_jobs SET run_after = now() + make_interval(secs => :lease),
                            attempts = attempts + 1
    WHERE user_id IN (
        SELECT user_id FROM insight_jobs WHERE run_after <= now() AND attempts < :max_attempts
        ORDER BY run_after LIMIT :limit FOR UPDATE SKIP LOCKED
    )
    RETURNING user_id, token
    """
)
LEASE_SECONDS = 300
MAX_ATTEMPTS = 5
# How long a recomputation may keep waiting for the AI worker (a model still loading).
MAX_POSTPONE_SECONDS = 600


@dataclass(frozen=True)
class ClaimedRecompute:
    user_id: uuid.UUID
    token: uuid.UUID


class InsightJobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(self, user_id: uuid.UUID, *, debounce: float) -> None:
        """Recompute my insights `debounce` seconds after the last change, but never later
        than ten debounces after the first one waiting."""
        await self.session.execute(
            _ENQUEUE, {"user_id": user_id, "debounce": debounce, "max_wait": debounce * 10}
        )

    async def claim(self, *, limit: int) -> list[ClaimedRecompute]:
        rows = await self.session.execute(
            _CLAIM, {"lease": LEASE_SECONDS, "max_attempts": MAX_ATTEMPTS, "limit": limit}
        )
        return [ClaimedRecompute(*row) for row in rows]

    async def finish(self, job: ClaimedRecompute) -> None:
        """Done, unless a newer change enqueued it again meanwhile (a new token)."""
        await self.session.execute(
            text("DELETE FROM insight_jobs WHERE user_id = :user_id AND token = :token"),
            {"user_id": job.user_id, "token": job.token},
        )

    async def postpone(self, job: ClaimedRecompute, *, seconds: float) -> bool:
        """Run it again in `seconds`, not counting this run as an attempt, while it has waited
        less than MAX_POSTPONE_SECONDS since it was queued; whether it was postponed (a newer
        change that enqueued it meanwhile keeps its own schedule)."""
        result = await self.session.execute(
            text(
                "UPDATE insight_jobs SET run_after = now() + make_interval(secs => :seconds),"
                " attempts = attempts - 1"
                " WHERE user_id = :user_id AND token = :token"
                " AND created_at > now() - make_interval(secs => :longest)"
            ),
            {
                "seconds": seconds,
                "user_id": job.user_id,
                "token": job.token,
                "longest": MAX_POSTPONE_SECONDS,
            },
        )
        return rowcount(result) > 0


# The due refreshes, oldest first, become queued recomputations (a user already queued
# stays as queued: that run reschedules the refresh).
_QUEUE_DUE_REFRESHES = text(
    """
    WITH due AS (
        DELETE FROM insight_refreshes WHERE user_id IN (
            SELECT user_id FROM insight_refreshes WHERE due_at <= :now
            ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED
        )
        RETURNING user_id
    )
    INSERT INTO insight_jobs (user_id) SELECT user_id FROM due
    ON CONFLICT (user_id) DO NOTHING
    """
)


class InsightRefreshRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def schedule(self, user_id: uuid.UUID, due_at: datetime | None) -> None:
        """Recompute my insights at `due_at`; None: the date alone changes none of them."""
        if due_at is None:
            await self.session.execute(
                text("DELETE FROM insight_refreshes WHERE user_id = :user_id"),
                {"user_id": user_id},
            )
            return
        statement = insert(InsightRefresh).values(user_id=user_id, due_at=due_at)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=["user_id"], set_={"due_at": due_at})
        )

    async def queue_due(self, *, now: datetime, limit: int) -> None:
        """Queue the recomputation of up to `limit` users whose refresh is due at `now`."""
        await self.session.execute(_QUEUE_DUE_REFRESHES, {"now": now, "limit": limit})
