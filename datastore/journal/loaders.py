"""Per-request loaders of the journal: one `ANY` query per batch, results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader

from datastore.journal.analysis import AnalysisRepository
from datastore.journal.repository import (
    JournalEntryRepository,
    JournalTagRepository,
    ReminderRepository,
)
from datastore.journal.topics import TopicRepository

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from datastore.kit.clients import Clients

V = TypeVar("V")


def _by_id(
    clients: Clients, fetch: Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[list[Any]]]
) -> DataLoader[uuid.UUID, Any]:
    async def load(ids: Sequence[uuid.UUID]) -> list[Any]:
        async with clients.db() as session:
            rows = {row.id: row for row in await fetch(session, ids)}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _grouped(
    clients: Clients,
    fetch: Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, list[Any]]]],
) -> DataLoader[uuid.UUID, list[Any]]:
    async def load(ids: Sequence[uuid.UUID]) -> list[list[Any]]:
        async with clients.db() as session:
            groups = await fetch(session, ids)
        return [groups.get(i, []) for i in ids]

    return DataLoader(load_fn=load)


class JournalLoaders:
    """`info.context.loaders.journal.<name>`; rows are returned whoever owns them, and
    resolvers compare `user_id` with the caller (see resolvers/core/nodes.py)."""

    def __init__(self, clients: Clients) -> None:
        self.entry_by_id = _by_id(clients, lambda s, i: JournalEntryRepository(s).list_by_ids(i))
        self.tag_by_id = _by_id(clients, lambda s, i: JournalTagRepository(s).list_by_ids(i))
        self.reminder_by_id = _by_id(clients, lambda s, i: ReminderRepository(s).list_by_ids(i))
        self.topic_by_id = _by_id(clients, lambda s, i: TopicRepository(s).list_by_ids(i))
        self.tags_by_entry_id = _grouped(
            clients, lambda s, i: JournalEntryRepository(s).tags_by_entry_ids(i)
        )
        self.sentiments_by_entry_id = _grouped(
            clients, lambda s, i: AnalysisRepository(s).sentiments_by_entry_ids(i)
        )
        self.emotions_by_entry_id = _grouped(
            clients, lambda s, i: AnalysisRepository(s).emotions_by_entry_ids(i)
        )
        self.topics_by_entry_id = _grouped(
            clients, lambda s, i: AnalysisRepository(s).topics_by_entry_ids(i)
        )
