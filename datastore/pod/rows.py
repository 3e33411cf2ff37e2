"""Plain records of the hot reads (entry pages, an entry's tags) and their cache form.

The entries page is the pod's busiest read. ORM instances cost an identity map, instance
state and attribute instrumentation per row, for rows nobody changes; these slotted
records are filled positionally from SQLAlchemy Core rows instead. They carry the same
attributes as the ORM rows, so the GraphQL types take either. In the Redis page cache an
entry is the list of its values in column order, so a hit decodes straight back into one.
"""

from __future__ import annotations

import base64
import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column

from datastore.pod.tables import Entry, Tag


@dataclass(slots=True)
class EntryRecord:
    """An entries row (all but its search vector), read-only by convention."""

    id: uuid.UUID
    user_id: uuid.UUID
    kind: str
    status: str
    previous_status: str | None
    title: str
    body: str | None
    fields: dict[str, Any]
    sealed: bytes | None
    sensitive: bool
    category_id: uuid.UUID | None
    version: int
    expires_at: datetime | None
    deleted_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class TagRecord:
    """A tags row (all but its name trigrams, read only by the fuzzy tag search)."""

    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    slug: str
    color: str | None
    usage_count: int
    version: int
    created_at: datetime
    updated_at: datetime


def _columns(table: Any, record: type, *, skip: tuple[str, ...] = ()) -> tuple[Column[Any], ...]:
    """The table's columns in the record's field order (checked at import)."""
    columns = tuple(c for c in table.columns if c.key not in skip)
    names = tuple(c.key for c in columns)
    fields = tuple(f.name for f in dataclasses.fields(record))
    if names != fields:
        raise RuntimeError(f"{record.__name__} {fields} != {table.name} {names}")
    return columns


# What the GraphQL entry types and the access checks read: either kind of row.
EntryData = EntryRecord | Entry
TagData = TagRecord | Tag

# Selected in this order, so `EntryRecord(*row)` maps a Core row.
ENTRY_COLUMNS = _columns(Entry.__table__, EntryRecord, skip=("search",))
TAG_COLUMNS = _columns(Tag.__table__, TagRecord, skip=("trigrams",))
_ENTRY_WIDTH = len(ENTRY_COLUMNS)


def entry_to_json(row: EntryData) -> list[Any]:
    """The entry's values in column order, JSON-safe (an ORM row or a record)."""
    return [
        str(row.id),
        str(row.user_id),
        row.kind,
        row.status,
        row.previous_status,
        row.title,
        row.body,
        row.fields,
        base64.b64encode(row.sealed).decode() if row.sealed is not None else None,
        row.sensitive,
        str(row.category_id) if row.category_id is not None else None,
        row.version,
        _time_text(row.expires_at),
        _time_text(row.deleted_at),
        row.created_at.isoformat(),
        row.updated_at.isoformat(),
    ]


def entry_from_json(values: list[Any]) -> EntryRecord:
    """The record `entry_to_json` wrote; ValueError for a value of another shape (written
    by an older version: the caller reads it as a miss)."""
    if not isinstance(values, list) or len(values) != _ENTRY_WIDTH:
        raise ValueError("not a cached entry")
    (id_, user_id, kind, status, previous, title, body, fields, sealed, sensitive) = values[:10]
    category_id, version, expires_at, deleted_at, created_at, updated_at = values[10:]
    return EntryRecord(
        uuid.UUID(id_),
        uuid.UUID(user_id),
        kind,
        status,
        previous,
        title,
        body,
        fields,
        base64.b64decode(sealed) if sealed is not None else None,
        sensitive,
        uuid.UUID(category_id) if category_id is not None else None,
        version,
        _time(expires_at),
        _time(deleted_at),
        datetime.fromisoformat(created_at),
        datetime.fromisoformat(updated_at),
    )


def tag_to_json(tag: TagRecord) -> list[Any]:
    """The tag's values in column order, JSON-safe."""
    return [
        str(tag.id),
        str(tag.user_id),
        tag.name,
        tag.slug,
        tag.color,
        tag.usage_count,
        tag.version,
        tag.created_at.isoformat(),
        tag.updated_at.isoformat(),
    ]


def tag_from_json(values: list[Any]) -> TagRecord:
    """The record `tag_to_json` wrote; ValueError for another shape (a cache miss)."""
    if not isinstance(values, list) or len(values) != len(TAG_COLUMNS):
        raise ValueError("not a cached tag")
    id_, user_id, name, slug, color, usage_count, version, created_at, updated_at = values
    return TagRecord(
        uuid.UUID(id_),
        uuid.UUID(user_id),
        name,
        slug,
        color,
        usage_count,
        version,
        datetime.fromisoformat(created_at),
        datetime.fromisoformat(updated_at),
    )


def _time_text(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None
