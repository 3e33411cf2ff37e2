"""Per-request batch loaders of accounts: one query (or BatchGetItem) per batch."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row

from datastore.accounts.items import SessionItem
from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.repository.users import UserRepository
from datastore.kit.loaders import ByKeyLoader, Ids, RowByIdLoader


class UserByIdLoader(RowByIdLoader[Row[Any]], repository=UserRepository):
    async def fetch(self, ids: Ids) -> dict[uuid.UUID, Row[Any]]:
        async with self.source() as session:
            return {row.id: row for row in await UserRepository(session).rows_by_ids(ids)}


class SessionByIdLoader(ByKeyLoader[SessionRepository, str, SessionItem]):
    async def fetch(self, ids: list[str]) -> dict[str, SessionItem]:
        return await self.source.get_many(ids)
