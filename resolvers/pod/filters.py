"""GraphQL filter, sort and cursor arguments to repository terms."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import orjson

from datastore.kit.errors import BadUserInput
from datastore.pod.repository import pages
from resolvers.core.pagination import decode_cursor, encode_cursor
from resolvers.pod import drafts
from resolvers.pod.inputs import EntryFilter, EntrySort

# A JSON array; encode_cursor makes the whole cursor opaque already.
_CURSOR = r"\[.*\]"


def entry_filter(given: EntryFilter | None) -> pages.EntryFilter:
    if given is None:
        return pages.EntryFilter()
    return pages.EntryFilter(
        kinds=tuple(k.value for k in given.kinds or ()),
        statuses=tuple(s.value for s in given.statuses or ()),
        category_id=drafts.category_id(given.category_id, field="filter.categoryId"),
        include_subcategories=given.include_subcategories,
        tag_ids=tuple(drafts.tag_ids(given.tag_ids)),
        created_after=given.created_after,
        created_before=given.created_before,
        updated_after=given.updated_after,
        updated_before=given.updated_before,
    )


def entry_sort(given: EntrySort | None) -> pages.EntrySort:
    if given is None:
        return pages.EntrySort()
    return pages.EntrySort(field=given.field.value, descending=given.direction.value == "DESC")


def _pack(kind: str, values: list[Any]) -> str:
    return encode_cursor(kind, orjson.dumps(values).decode())


def _unpack(kind: str, cursor: str) -> list[Any]:
    raw = decode_cursor(kind, cursor, pattern=_CURSOR)
    try:
        values = orjson.loads(raw)
    except orjson.JSONDecodeError:
        values = None
    if not isinstance(values, list):
        raise BadUserInput("This cursor does not belong to this list.", field="after")
    return values


def entry_cursor(sort: pages.EntrySort, sort_value: str, entry_id: uuid.UUID) -> str:
    return _pack("entries", [sort.field, sort.descending, sort_value, str(entry_id)])


def entry_page_key(sort: pages.EntrySort, after: str | None) -> pages.PageKey | None:
    """The keyset position of `after`; BAD_USER_INPUT if it came from another sort."""
    if after is None:
        return None
    values = _unpack("entries", after)
    try:
        field, descending, value, entry_id = values
        if (field, descending) != (sort.field, sort.descending):
            raise ValueError
        key = datetime.fromisoformat(value) if field != "TITLE" else str(value)
        return pages.PageKey(value=key, id=uuid.UUID(entry_id))
    except (ValueError, TypeError):
        raise BadUserInput("This cursor belongs to another sort order.", field="after") from None


def search_cursor(rank: float, entry_id: uuid.UUID) -> str:
    return _pack("search", [rank, str(entry_id)])


def search_page_key(after: str | None) -> pages.PageKey | None:
    if after is None:
        return None
    try:
        rank, entry_id = _unpack("search", after)
        return pages.PageKey(value=float(rank), id=uuid.UUID(entry_id))
    except (ValueError, TypeError):
        raise BadUserInput("This cursor does not belong to this list.", field="after") from None
