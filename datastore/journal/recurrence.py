"""Next occurrences of repeating reminders, on the wall clock of the reminder's time zone.

A daily reminder at 08:00 Europe/Paris stays at 08:00 local time across DST changes, so the
arithmetic is done on local dates and converted back to UTC.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

REPEATS = ("NONE", "DAILY", "WEEKDAYS", "WEEKLY", "MONTHLY", "YEARLY", "INTERVAL")
MAX_STEPS = 100_000


def _add_months(local: datetime, months: int) -> datetime:
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def _from_anchor(anchor: datetime, zone: ZoneInfo, months: int, after: datetime) -> datetime:
    """The first anchor + k*months (k >= 1) after `after`, each clamped from the anchor's own
    day: a reminder on the 31st is on the 30th in April and on the 31st again in May."""
    local = anchor.astimezone(zone).replace(tzinfo=None)
    for k in range(1, MAX_STEPS):
        candidate = _add_months(local, k * months).replace(tzinfo=zone).astimezone(UTC)
        if candidate > after:
            return candidate
    raise ValueError("no occurrence within range")


def _step(local: datetime, repeat: str, interval_days: int | None) -> datetime:
    if repeat == "DAILY":
        return local + timedelta(days=1)
    if repeat == "WEEKDAYS":
        local += timedelta(days=1)
        while local.weekday() >= 5:
            local += timedelta(days=1)
        return local
    if repeat == "WEEKLY":
        return local + timedelta(days=7)
    if repeat == "MONTHLY":
        return _add_months(local, 1)
    if repeat == "YEARLY":
        return _add_months(local, 12)
    if repeat == "INTERVAL" and interval_days:
        return local + timedelta(days=interval_days)
    raise ValueError(f"{repeat} does not repeat")


def next_occurrence(
    remind_at: datetime,
    *,
    anchor: datetime | None = None,
    time_zone: str,
    repeat: str,
    interval_days: int | None,
    after: datetime,
) -> datetime | None:
    """The first occurrence strictly after `after`, or None for a reminder that does not repeat.

    Occurrences missed while no worker ran are skipped: the reminder fired once for them.
    """
    if repeat == "NONE":
        return None
    zone = ZoneInfo(time_zone)
    if repeat in ("MONTHLY", "YEARLY") and anchor is not None:
        return _from_anchor(anchor, zone, 1 if repeat == "MONTHLY" else 12, after)
    # Naive local wall time: stepping it keeps the hour across DST changes.
    local = remind_at.astimezone(zone).replace(tzinfo=None)
    for _ in range(MAX_STEPS):
        local = _step(local, repeat, interval_days)
        candidate = local.replace(tzinfo=zone).astimezone(UTC)
        if candidate > after:
            return candidate
    return None
