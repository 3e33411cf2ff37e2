"""Months of chat statistics, summed from their days."""

from __future__ import annotations

from datastore.chat.items import StatsItem
from datastore.chat.repository.statistics import StatisticsRepository

DAYS_PER_READ = 100


async def month_totals(
    repository: StatisticsRepository, user_id: str, *, before: str | None, limit: int
) -> list[StatsItem]:
    """Up to `limit` months (YYYY-MM) before `before`, newest first."""
    months: dict[str, StatsItem] = {}
    cursor = f"{before}-00" if before else None
    while True:
        days = await repository.days(user_id, before=cursor, since=None, limit=DAYS_PER_READ)
        for day in days:
            month = day.day[:7]
            if month not in months and len(months) == limit:
                return list(months.values())
            total = months.get(month)
            months[month] = StatsItem(
                day=month,
                messages_sent=day.messages_sent + (total.messages_sent if total else 0),
                messages_received=day.messages_received + (total.messages_received if total else 0),
                groups_joined=day.groups_joined + (total.groups_joined if total else 0),
                conversations=day.conversations | (total.conversations if total else set()),
            )
        if len(days) < DAYS_PER_READ:
            return list(months.values())
        cursor = days[-1].day
