"""Input rules of the journal; each failure names the GraphQL field it is about."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, TypeVar

from datastore.journal.recurrence import REPEATS
from datastore.kit import zones
from datastore.kit.errors import BadUserInput, Conflict, NotFound

MAX_TITLE = 200
MAX_CONTENT = 100_000
MAX_TAGS_PER_ENTRY = 20
MAX_TAG_NAME = 50
MAX_TOPIC_NAME = 60
MAX_DESCRIPTION = 2000
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
T = TypeVar("T")


def current(row: T | None, expected_version: int | None, *, what: str) -> T:
    """The locked `row`, NOT_FOUND if missing, CONFLICT if not at `expected_version`."""
    if row is None:
        raise NotFound(f"No such {what}.")
    version = row.version  # type: ignore[attr-defined]
    if expected_version is not None and version != expected_version:
        raise Conflict(f"The {what} changed since you read it.", currentVersion=version)
    return row


def title(value: str | None, *, field: str = "title", required: bool = False) -> str | None:
    if value is None or not value.strip():
        if required:
            raise BadUserInput("A title is required.", field=field)
        return None
    if len(value) > MAX_TITLE:
        raise BadUserInput(f"At most {MAX_TITLE} characters.", field=field)
    return value.strip()


def content(value: str | None) -> str:
    if value is None or not value.strip():
        raise BadUserInput("Content must not be blank.", field="content")
    if len(value) > MAX_CONTENT:
        raise BadUserInput(f"At most {MAX_CONTENT} characters.", field="content")
    return value


def mood(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 10:
        raise BadUserInput("Mood is 1 to 10.", field="mood")
    return value


def tag_name(value: str, *, field: str = "name", limit: int = MAX_TAG_NAME) -> str:
    name = value.strip()
    if not name or len(name) > limit:
        raise BadUserInput(f"1 to {limit} characters.", field=field)
    return name


def color(value: str) -> str:
    if not _HEX.fullmatch(value):
        raise BadUserInput("A hex colour like #1E90FF.", field="color")
    return value.upper()


def description(value: str | None, *, field: str = "description") -> str | None:
    if value is not None and len(value) > MAX_DESCRIPTION:
        raise BadUserInput(f"At most {MAX_DESCRIPTION} characters.", field=field)
    return value


def future_time(value: datetime, *, field: str = "remindAt") -> datetime:
    if value.tzinfo is None:
        raise BadUserInput("Give a time with its UTC offset.", field=field)
    if value <= datetime.now(UTC):
        raise BadUserInput("The time must be in the future.", field=field)
    return value


def time_zone(value: str) -> str:
    return zones.time_zone(value)


def priority(value: int) -> int:
    if not 1 <= value <= 5:
        raise BadUserInput("Priority is 1 to 5.", field="priority")
    return value


def repeat(value: str, interval_days: int | None) -> dict[str, Any]:
    if value not in REPEATS:
        raise BadUserInput("Unknown repeat pattern.", field="repeat")
    if value == "INTERVAL":
        if interval_days is None or not 1 <= interval_days <= 3660:
            raise BadUserInput("Every 1 to 3660 days.", field="intervalDays")
        return {"repeat": value, "repeat_interval_days": interval_days}
    if interval_days is not None:
        raise BadUserInput("Only an INTERVAL repeat takes intervalDays.", field="intervalDays")
    return {"repeat": value, "repeat_interval_days": None}
