"""Per-request batch loaders of accounts: one query (or BatchGetItem) per batch."""

from __future__ import annotations

from datastore.accounts.items import SessionItem
from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.repository.users import UserRepository
from datastore.accounts.tables import User
from datastore.kit.loaders import ByKeyLoader, RowByIdLoader


class UserByIdLoader(RowByIdLoader[User], repository=UserRepository): ...


class SessionByIdLoader(ByKeyLoader[SessionRepository, str, SessionItem]):
    async def fetch(self, ids: list[str]) -> dict[str, SessionItem]:
        return await self.source.get_many(ids)
