"""Insights of one user: aggregates computed in PostgreSQL and cached in Redis until the
journal changes, and the stored psychology insights the insights job keeps (`job.py`).

The aggregates are the journal's queries (`JournalAggregateRepository`).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from datastore.accounts.repository.users import UserRepository
from datastore.insights.repository import InsightFilter, InsightKey, InsightRepository
from datastore.insights.tables import PsychologyInsight
from datastore.journal.repository.aggregates import BUCKETS, JournalAggregateRepository
from datastore.kit import zones
from datastore.kit.errors import BadUserInput, NotFound

if TYPE_CHECKING:
    from datastore.insights.cache import InsightsCache
    from datastore.kit.clients import Clients

MAX_TREND_DAYS = 366 * 5


class InsightsService:
    def __init__(self, clients: Clients, cache: InsightsCache) -> None:
        self.clients = clients
        self.cache = cache

    async def mood_trend(
        self, user_id: uuid.UUID, *, date_from: date, date_to: date, bucket: str
    ) -> list[dict[str, Any]]:
        if date_to < date_from:
            raise BadUserInput("`to` is before `from`.", field="to")
        if (date_to - date_from).days > MAX_TREND_DAYS:
            raise BadUserInput("At most five years at a time.", field="to")
        if bucket not in BUCKETS:
            raise BadUserInput("DAY, WEEK or MONTH.", field="bucket")
        name = f"trend:{date_from}:{date_to}:{bucket}"
        return await self._cached(
            user_id,
            name,
            lambda r: r.mood_trend(user_id, date_from=date_from, date_to=date_to, bucket=bucket),
        )

    async def streaks(self, user_id: uuid.UUID) -> dict[str, Any]:
        """My writing streaks, with "today" in my time zone."""
        async with self.clients.read_db() as session:
            user = await UserRepository(session).get_by_id(user_id)
        today = zones.local_today(user.time_zone if user else None)
        return await self._cached(
            user_id, f"streaks:{today}", lambda r: r.streaks(user_id, today=today)
        )

    async def mood_by_tag(self, user_id: uuid.UUID) -> list[dict[str, Any]]:
        return await self._cached(user_id, "by_tag", lambda r: r.mood_by_tag(user_id))

    async def mood_by_topic(self, user_id: uuid.UUID) -> list[dict[str, Any]]:
        return await self._cached(
            user_id, "by_topic", lambda r: r.by_topic(user_id, with_mood=True)
        )

    async def frequent_topics(self, user_id: uuid.UUID) -> list[dict[str, Any]]:
        return await self._cached(user_id, "topics", lambda r: r.by_topic(user_id, with_mood=False))

    async def list_insights(
        self,
        user_id: uuid.UUID,
        insight_filter: InsightFilter,
        *,
        limit: int,
        after: InsightKey | None,
    ) -> list[PsychologyInsight]:
        """My stored insights, newest first, after a keyset."""
        async with self.clients.read_db() as session:
            return await InsightRepository(session).page(
                user_id, insight_filter, limit=limit, after=after
            )

    async def dismiss(self, user_id: uuid.UUID, insight_id: uuid.UUID) -> PsychologyInsight:
        """Hide my insight from `insights`; NOT_FOUND when it is not mine."""
        async with self.clients.db() as session, session.begin():
            insight = await InsightRepository(session).dismiss(user_id, insight_id)
            if insight is None:
                raise NotFound("No such insight.")
            return insight

    async def _cached(self, user_id: uuid.UUID, name: str, query: Any) -> Any:
        async def compute() -> Any:
            async with self.clients.db() as session:
                return await query(JournalAggregateRepository(session))

        value, _hit = await self.cache.get_or_compute(user_id, name, compute)
        return value
