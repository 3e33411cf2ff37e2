"""Ids and ownership in one place: another user's object is NOT_FOUND, never FORBIDDEN."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from strawberry import relay

from datastore.kit.errors import BadUserInput, NotFound
from resolvers.core.pagination import decode_cursor, encode_cursor, page_size

T = TypeVar("T")


def node_uuid(global_id: relay.GlobalID, type_name: str, *, field: str = "id") -> uuid.UUID:
    """The database id inside a global id of `type_name`."""
    if global_id.type_name != type_name:
        raise BadUserInput(f"This id is not a {type_name}'s.", field=field)
    try:
        return uuid.UUID(global_id.node_id)
    except ValueError:
        raise NotFound(f"No such {type_name}.") from None


def node_uuids(ids: Sequence[relay.GlobalID], type_name: str, *, field: str) -> list[uuid.UUID]:
    parsed = []
    for global_id in ids:
        try:
            parsed.append(node_uuid(global_id, type_name, field=field))
        except NotFound:
            raise BadUserInput(f"Some ids are not {type_name}s.", field=field) from None
    return parsed


def uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def owned(row: T | None, user_id: uuid.UUID) -> T | None:
    """`row` if the caller owns it, else None (as if it did not exist)."""
    return row if row is not None and row.user_id == user_id else None  # type: ignore[attr-defined]


def require_owned(row: T | None, user_id: uuid.UUID, what: str) -> T:
    found = owned(row, user_id)
    if found is None:
        raise NotFound(f"No such {what}.")
    return found


def offset_after(kind: str, after: str | None) -> int:
    """Offset cursors, for ranked lists (search results) and small computed lists."""
    return 0 if after is None else int(decode_cursor(kind, after, pattern=r"\d{1,6}")) + 1


def offset_cursor(kind: str, position: int) -> str:
    return encode_cursor(kind, position)


def slice_page(
    items: Sequence[Any], *, kind: str, first: int | None, after: str | None, maximum: int = 100
) -> tuple[list[tuple[int, Any]], bool, int]:
    """A page of an in-memory list as (position, item) pairs, has-next, and the offset."""
    limit = page_size(first, maximum=maximum)
    start = offset_after(kind, after)
    chosen = list(enumerate(items))[start : start + limit]
    return chosen, len(items) > start + limit, start
