"""Aggregates over one user's journal: mood trend, streaks, mood by tag and topic.

The insights domain computes and caches its answers from these; they are the journal's
queries because they read only the journal's tables.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

BUCKETS = {"DAY": "day", "WEEK": "week", "MONTH": "month"}

# Population standard deviation: the spread of the moods actually written in the bucket.
_TREND = text(
    """
    SELECT date_trunc(:unit, entry_date)::date AS start, avg(mood)::float8,
           coalesce(stddev_pop(mood), 0)::float8, count(*)
    FROM journal_entries
    WHERE user_id = :user_id AND mood IS NOT NULL AND entry_date BETWEEN :date_from AND :date_to
    GROUP BY 1 ORDER BY 1
    """
)
# Gaps and islands: consecutive dates minus their row number share one value per run.
_STREAKS = text(
    """
    WITH days AS (
        SELECT DISTINCT entry_date AS d FROM journal_entries
        WHERE user_id = :user_id AND entry_date <= :today
    ),
    runs AS (
        SELECT min(d) AS first_day, max(d) AS last_day, count(*) AS length
        FROM (SELECT d, d - (row_number() OVER (ORDER BY d))::int AS run FROM days) numbered
        GROUP BY run
    )
    SELECT first_day, last_day, length FROM runs ORDER BY length DESC, last_day DESC
    """
)
_BY_TAG = text(
    """
    SELECT t.id, avg(e.mood)::float8, count(*)
    FROM journal_entry_tags jt
    JOIN journal_entries e ON e.id = jt.entry_id
    JOIN journal_tags t ON t.id = jt.tag_id
    WHERE e.user_id = :user_id AND t.user_id = :user_id AND e.mood IS NOT NULL
    GROUP BY t.id ORDER BY count(*) DESC, t.id
    """
)
_BY_TOPIC = text(
    """
    SELECT et.topic_id, avg(e.mood)::float8, count(*), avg(et.relevance)::float8
    FROM journal_entry_topics et JOIN journal_entries e ON e.id = et.entry_id
    WHERE et.user_id = :user_id AND e.user_id = :user_id
      AND (:with_mood = false OR e.mood IS NOT NULL)
    GROUP BY et.topic_id ORDER BY count(*) DESC, et.topic_id
    """
)


class JournalAggregateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def mood_trend(
        self, user_id: uuid.UUID, *, date_from: date, date_to: date, bucket: str
    ) -> list[dict[str, Any]]:
        rows = await self.session.execute(
            _TREND,
            {
                "unit": BUCKETS[bucket],
                "user_id": user_id,
                "date_from": date_from,
                "date_to": date_to,
            },
        )
        return [
            {"start": r[0].isoformat(), "average": r[1], "stddev": r[2], "count": r[3]}
            for r in rows
        ]

    async def streaks(self, user_id: uuid.UUID, *, today: date) -> dict[str, Any]:
        # Days after today (entries dated ahead, as plans) are no writing yet.
        runs = (await self.session.execute(_STREAKS, {"user_id": user_id, "today": today})).all()
        longest = runs[0] if runs else None
        # A streak is current while its last day is today or yesterday (not broken yet).
        current = next(((a, b, n) for a, b, n in runs if (today - b).days <= 1), None)
        return {
            "current": current[2] if current else 0,
            "current_start": current[0].isoformat() if current else None,
            "longest": longest[2] if longest else 0,
            "longest_start": longest[0].isoformat() if longest else None,
            "longest_end": longest[1].isoformat() if longest else None,
            "days_written": sum(n for _, _, n in runs),
        }

    async def mood_by_tag(self, user_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = await self.session.execute(_BY_TAG, {"user_id": user_id})
        return [{"id": str(r[0]), "average": r[1], "count": r[2]} for r in rows]

    async def by_topic(self, user_id: uuid.UUID, *, with_mood: bool) -> list[dict[str, Any]]:
        rows = await self.session.execute(_BY_TOPIC, {"user_id": user_id, "with_mood": with_mood})
        return [{"id": str(r[0]), "average": r[1], "count": r[2], "relevance": r[3]} for r in rows]
