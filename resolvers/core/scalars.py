"""Date and DateTime with errors that say what to send, instead of a parser's internals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from operator import methodcaller

import dateutil.parser
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

DATETIME_HINT = "Give an ISO 8601 date-time, e.g. 2026-12-01T09:30:00Z."
DATE_HINT = "Give an ISO 8601 date, e.g. 2026-12-01."


def _parser(parse: Callable[[str], object], name: str, hint: str) -> Callable[[object], object]:
    def parse_value(value: object) -> object:
        try:
            if isinstance(value, str):
                return parse(value)
        except (ValueError, OverflowError):
            pass
        # A coercion error: BAD_USER_INPUT, with the value quoted for the client.
        raise StrawberryInputCoercionError(f"Value cannot represent a {name}: {value!r}. {hint}")

    return parse_value


# The names and descriptions are strawberry's, so the schema is unchanged.
DATETIME = ScalarDefinition(
    name="DateTime",
    description="Date with time (isoformat)",
    specified_by_url=None,
    serialize=methodcaller("isoformat"),
    parse_value=_parser(dateutil.parser.isoparse, "DateTime", DATETIME_HINT),
    parse_literal=None,
    origin=dt.datetime,
)
DATE = ScalarDefinition(
    name="Date",
    description="Date (isoformat)",
    specified_by_url=None,
    serialize=methodcaller("isoformat"),
    parse_value=_parser(dt.date.fromisoformat, "Date", DATE_HINT),
    parse_literal=None,
    origin=dt.date,
)
SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {dt.datetime: DATETIME, dt.date: DATE}
