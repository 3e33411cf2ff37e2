"""Per-request batch loaders of the pod: one `ANY` query per batch, results in key order.

Loaders return rows whatever their owner: the GraphQL types check ownership in one place
(`resolve_nodes` and the fields that follow references).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from datastore.pod.repository.categories import CategoryRepository
from datastore.pod.repository.entries import EntryRepository
from datastore.pod.repository.preferences import PreferencesRepository
from datastore.pod.repository.tags import TagRepository
from datastore.pod.tables import Category, Entry, PodPreferences, Tag


def _by_id(
    db: async_sessionmaker[AsyncSession],
    fetch: Callable[[AsyncSession, Sequence[Any]], Any],
    key: Callable[[Any], Any] = lambda row: row.id,
) -> Callable[[Sequence[Any]], Any]:
    async def load(ids: Sequence[Any]) -> list[Any]:
        async with db() as session:
            found = {key(row): row for row in await fetch(session, ids)}
        return [found.get(i) for i in ids]

    return load


class EntryByIdLoader(DataLoader[uuid.UUID, Entry | None]):
    """Unexpired entries (trash included)."""

    def __init__(self, db: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(_by_id(db, lambda s, ids: EntryRepository(s).list_by_ids(ids)))


class CategoryByIdLoader(DataLoader[uuid.UUID, Category | None]):
    def __init__(self, db: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(_by_id(db, lambda s, ids: CategoryRepository(s).list_by_ids(ids)))


class TagByIdLoader(DataLoader[uuid.UUID, Tag | None]):
    def __init__(self, db: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(_by_id(db, lambda s, ids: TagRepository(s).list_by_ids(ids)))


class TagsByEntryIdLoader(DataLoader[uuid.UUID, list[Tag]]):
    """Each entry's tags, by slug."""

    def __init__(self, db: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(self._load)
        self.db = db

    async def _load(self, entry_ids: Sequence[uuid.UUID]) -> list[list[Tag]]:
        async with self.db() as session:
            found = await EntryRepository(session).tags_by_entry_ids(entry_ids)
        return [found.get(i, []) for i in entry_ids]


class PreferencesByUserIdLoader(DataLoader[uuid.UUID, PodPreferences | None]):
    def __init__(self, db: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(
            _by_id(
                db,
                lambda s, ids: PreferencesRepository(s).list_by_user_ids(ids),
                key=lambda row: row.user_id,
            )
        )


class PodLoaders:
    def __init__(self, db: async_sessionmaker[AsyncSession], secret: DataLoader) -> None:
        self.entry_by_id = EntryByIdLoader(db)
        self.category_by_id = CategoryByIdLoader(db)
        self.tag_by_id = TagByIdLoader(db)
        self.tags_by_entry_id = TagsByEntryIdLoader(db)
        self.preferences_by_user_id = PreferencesByUserIdLoader(db)
        # Opens sealed secrets and records each view (see datastore/pod/service/secrets.py).
        self.secret = secret
