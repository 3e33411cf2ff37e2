"""Bases of the per-request dataloaders: one read per batch, results in key order.

Each domain's `loaders.py` names its loaders `<Target>By<Key>Loader`. A loader reads through
its `source`: a session factory (`clients.read_db` when the batch is one SELECT: autocommit
spares the BEGIN and ROLLBACK round trips), a repository, or a tracker.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

Sessions = async_sessionmaker[AsyncSession]

S = TypeVar("S")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Ids = list[uuid.UUID]
Groups = dict[uuid.UUID, list[V]]  # what a GroupedLoader's `select` returns


class HasId(Protocol):
    id: Any  # a uuid.UUID; `Any` because ORM classes declare it as Mapped[uuid.UUID]


R = TypeVar("R", bound=HasId)
R_co = TypeVar("R_co", bound=HasId, covariant=True)


class ListsByIds(Protocol[R_co]):
    async def list_by_ids(self, ids: Sequence[uuid.UUID], /) -> Sequence[R_co]: ...


class SelfLoader(DataLoader[K, V]):
    """A DataLoader whose batch function is its own `_load` method.

    Kept on the instance, that bound method would make the loader, with its cache of
    everything the request loaded, a reference cycle that only the garbage collector
    frees; bound on each use, the request's objects go as soon as it ends."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    @property
    def load_fn(self) -> Callable[[list[K]], Any]:
        return self._load

    @load_fn.setter
    def load_fn(self, _load_fn: object) -> None:
        """DataLoader.__init__ stores its load_fn; the property answers instead."""

    async def _load(self, keys: Sequence[K]) -> list[V]:
        raise NotImplementedError


class KeyOrderLoader(SelfLoader[K, V], Generic[S, K, V]):
    """`fetch` reads a whole batch at once and returns what it found by key; the results
    come back in key order. Every key must be found, unless `missing` says what to load."""

    def __init__(self, source: S) -> None:
        super().__init__()
        self.source = source

    async def fetch(self, keys: list[K]) -> Mapping[K, V]:
        raise NotImplementedError

    def missing(self, key: K) -> V:
        raise KeyError(key)

    async def _load(self, keys: Sequence[K]) -> list[V]:
        found = await self.fetch(list(dict.fromkeys(keys)))
        return [found[key] if key in found else self.missing(key) for key in keys]


class ByKeyLoader(KeyOrderLoader[S, K, V | None]):
    """A key with nothing found loads as None."""

    def missing(self, key: K) -> None:
        return None


class RowByIdLoader(ByKeyLoader[Sessions, uuid.UUID, R]):
    """Rows by primary key, one `repository(session).list_by_ids` per batch; a subclass
    names its repository: `class TagByIdLoader(RowByIdLoader[Tag], repository=TagRepository)`.
    """

    repository: Callable[[AsyncSession], ListsByIds[Any]]

    def __init_subclass__(
        cls, *, repository: Callable[[AsyncSession], ListsByIds[Any]], **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        cls.repository = repository

    async def fetch(self, ids: Ids) -> dict[uuid.UUID, R]:
        async with self.source() as session:
            return {row.id: row for row in await self.repository(session).list_by_ids(ids)}


class GroupedLoader(KeyOrderLoader[Sessions, uuid.UUID, list[V]]):
    """Each id's rows, read by `select` in one session; an id with none loads as []."""

    async def select(self, session: AsyncSession, ids: Ids) -> Groups[V]:
        raise NotImplementedError

    async def fetch(self, ids: Ids) -> Groups[V]:
        async with self.source() as session:
            return await self.select(session, ids)

    def missing(self, key: uuid.UUID) -> list[V]:
        return []
