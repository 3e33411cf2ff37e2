"""IANA time zones: the one check of a zone name, and a user's "today" and local hour."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from datastore.kit.errors import BadUserInput

DEFAULT_ZONE = "UTC"


def utc_now() -> datetime:
    """The current time; one place, so every "today" agrees."""
    return datetime.now(UTC)


def time_zone(value: str, *, field: str = "timeZone") -> str:
    """`value` if it names an IANA zone (Europe/Paris), else BAD_USER_INPUT naming `field`."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadUserInput("An IANA time zone like Europe/Paris.", field=field) from None
    return value


def zone(name: str | None) -> ZoneInfo:
    """The zone of `name`; UTC when unset or no longer known to this machine's tz data."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def local_today(name: str | None) -> date:
    """Today's date on the wall clock of zone `name`."""
    return utc_now().astimezone(zone(name)).date()


def local_hour(at: datetime, name: str | None) -> int:
    """The hour (0-23) of `at` on the wall clock of zone `name`."""
    return at.astimezone(zone(name)).hour


def local_midnight(day: date, name: str | None) -> datetime:
    """The instant `day` begins on the wall clock of zone `name`, in UTC."""
    return datetime.combine(day, time(), tzinfo=zone(name)).astimezone(UTC)
