"""Reading one item of an archive's file: typed values or BAD_USER_INPUT naming the file,
the item and the field, so a damaged archive says where it is damaged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

import orjson

from datastore.exports.reader import BAD_ARCHIVE
from datastore.kit.errors import BadUserInput, DomainError

A = TypeVar("A")
R = TypeVar("R")
MAX_OBJECT_BYTES = 64 * 1024


class ItemReader:
    def __init__(self, file: str, index: int, item: dict[str, Any]) -> None:
        self.where = f"{file} item {index + 1}"
        self.item = item

    def bad(self, key: str, message: str, *, reason: str = BAD_ARCHIVE) -> BadUserInput:
        return BadUserInput(
            f"{self.where}, `{key}`: {message} Nothing was imported.", field="file", reason=reason
        )

    def _typed(self, key: str, kinds: type | tuple[type, ...], what: str, *, optional: bool) -> Any:
        value = self.item.get(key)
        if value is None and optional:
            return None
        # bool is an int in Python, never in JSON.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _tuple(kinds)):
            raise self.bad(key, f"expected {what}.")
        return value

    def text(self, key: str) -> str:
        return self._typed(key, str, "text", optional=False)

    def optional_text(self, key: str) -> str | None:
        return self._typed(key, str, "text or null", optional=True)

    def integer(self, key: str) -> int:
        return self._typed(key, int, "an integer", optional=False)

    def optional_integer(self, key: str) -> int | None:
        return self._typed(key, int, "an integer or null", optional=True)

    def flag(self, key: str) -> bool:
        return self._typed(key, bool, "true or false", optional=False)

    def uuid(self, key: str) -> UUID:
        try:
            return UUID(self.text(key))
        except ValueError:
            raise self.bad(key, "expected a UUID.") from None

    def optional_uuid(self, key: str) -> UUID | None:
        return None if self.item.get(key) is None else self.uuid(key)

    def uuids(self, key: str) -> list[UUID]:
        values = self._typed(key, list, "a list of UUIDs", optional=True) or []
        try:
            return [UUID(v) for v in values]
        except (TypeError, ValueError, AttributeError):
            raise self.bad(key, "expected a list of UUIDs.") from None

    def optional_time(self, key: str) -> datetime | None:
        value = self.optional_text(key)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise self.bad(key, "expected an ISO 8601 time.") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    def time(self, key: str) -> datetime:
        value = self.optional_time(key)
        if value is None:
            raise self.bad(key, "expected an ISO 8601 time.")
        return value

    def day(self, key: str) -> date:
        try:
            return date.fromisoformat(self.text(key))
        except ValueError:
            raise self.bad(key, "expected a date YYYY-MM-DD.") from None

    def obj(self, key: str, *, optional: bool = False) -> dict[str, Any] | None:
        value = self._typed(key, dict, "an object", optional=optional)
        if value is not None and len(orjson.dumps(value)) > MAX_OBJECT_BYTES:
            raise self.bad(key, f"larger than {MAX_OBJECT_BYTES} bytes.")
        return value

    def one_of(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in allowed:
            raise self.bad(key, f"expected one of {', '.join(allowed)}.")
        return value

    def checked(self, key: str, check: Callable[[A], R], value: A) -> R:
        """`check(value)` (a domain validator), its error said about this item."""
        try:
            return check(value)
        except DomainError as error:
            raise self.about(key, error) from None

    def about(self, key: str, error: DomainError) -> BadUserInput:
        """A domain error (a file refused by type or quota) said about this item."""
        return self.bad(key, error.message, reason=error.extensions.get("reason", BAD_ARCHIVE))


def _tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)
