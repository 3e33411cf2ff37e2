"""Per-request batch loaders of accounts: one query (or BatchGetItem) per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from datastore.accounts.items import SessionItem
from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.repository.users import UserRepository
from datastore.accounts.tables import User


class UserByIdLoader(DataLoader[uuid.UUID, User | None]):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(load_fn=self._load)
        self.sessions = sessions

    async def _load(self, ids: Sequence[uuid.UUID]) -> list[User | None]:
        async with self.sessions() as session:
            users = {u.id: u for u in await UserRepository(session).list_by_ids(ids)}
        return [users.get(i) for i in ids]


class SessionByIdLoader(DataLoader[str, SessionItem | None]):
    def __init__(self, repository: SessionRepository) -> None:
        super().__init__(load_fn=self._load)
        self.repository = repository

    async def _load(self, ids: Sequence[str]) -> list[SessionItem | None]:
        found = await self.repository.get_many(ids)
        return [found.get(i) for i in ids]
