"""The interface every part of an export implements: one JSON file of one domain's items.

A section names its file, its format and version, documents each field (the archive's
README and docs/EXPORTS.md are generated from these), and yields the items of one user.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.tables import User
from datastore.chat.repository.inbox import InboxRepository
from datastore.chat.repository.messages import MessageRepository
from datastore.kit.blobs import StoredBlob
from datastore.notifications.repository import NotificationRepository
from datastore.pod.service.datakeys import DataKeys

FORMAT_PREFIX = "personalpod."
T = TypeVar("T")
C = TypeVar("C")


class FileSink(Protocol):
    async def add(self, name: str, blob: StoredBlob, *, compress: bool) -> bool:
        """Copy a blob into the archive at `name`; False when the blob store has lost it."""
        ...


@dataclass(frozen=True)
class ExportedEntry:
    """A pod entry the archive holds, for its EXPORTED activity record."""

    entry_id: uuid.UUID
    kind: str
    secrets: tuple[str, ...]  # which secrets were decrypted into the archive


@dataclass(frozen=True)
class Scope:
    """What a section reads from: the user, one PostgreSQL snapshot, and the DynamoDB
    repositories (read by the user's partitions); where it puts files; what it exported."""

    user: User
    db: AsyncSession  # in one REPEATABLE READ transaction for every section
    keys: DataKeys
    sessions: SessionRepository
    notifications: NotificationRepository
    inbox: InboxRepository
    messages: MessageRepository
    files: FileSink
    entries: list[ExportedEntry] = field(default_factory=list)

    @property
    def user_id(self) -> uuid.UUID:
        return self.user.id


@dataclass(frozen=True)
class Field:
    name: str
    description: str


Rows = Callable[[Scope], AsyncIterator[dict[str, Any]]]


@dataclass(frozen=True)
class Section:
    name: str  # "pod.entries": the manifest's and the import report's name
    file: str  # "pod/entries.json": where it is in the archive
    version: int
    description: str
    fields: tuple[Field, ...]
    rows: Rows
    store: str = "PostgreSQL"  # where its items come from, for the README

    @property
    def format(self) -> str:
        return FORMAT_PREFIX + self.name

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)


def fields(*pairs: tuple[str, str]) -> tuple[Field, ...]:
    return tuple(Field(name, description) for name, description in pairs)


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def text_id(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def b64(value: bytes | None) -> str | None:
    return base64.b64encode(value).decode() if value is not None else None


async def each(batches: AsyncIterator[Sequence[T]]) -> AsyncIterator[T]:
    """The rows of a repository's keyset batches, one at a time."""
    async for batch in batches:
        for row in batch:
            yield row


async def pages(
    fetch: Callable[[C | None], Awaitable[tuple[list[T], bool]]], cursor: Callable[[T], C]
) -> AsyncIterator[T]:
    """Every item of a DynamoDB list read a page at a time: `fetch(after)` gives a page and
    whether more follow, `cursor(last item)` where the next page starts."""
    after: C | None = None
    while True:
        page, more = await fetch(after)
        for item in page:
            yield item
        if not more or not page:
            return
        after = cursor(page[-1])
