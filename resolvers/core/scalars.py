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


def _iso_scalar(
    origin: type, name: str, description: str, parse: Callable[[str], object], hint: str
) -> ScalarDefinition:
    return ScalarDefinition(
        name=name,
        description=description,
        specified_by_url=None,
        serialize=methodcaller("isoformat"),
        parse_value=_parser(parse, name, hint),
        parse_literal=None,
        origin=origin,
    )


# The names and descriptions are strawberry's, so the schema is unchanged.
DATETIME = _iso_scalar(
    dt.datetime, "DateTime", "Date with time (isoformat)", dateutil.parser.isoparse, DATETIME_HINT
)
DATE = _iso_scalar(dt.date, "Date", "Date (isoformat)", dt.date.fromisoformat, DATE_HINT)
SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {dt.datetime: DATETIME, dt.date: DATE}
