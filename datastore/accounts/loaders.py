"""Per-request batch loaders of accounts: one query (or BatchGetItem) per batch."""

from __future__ import annotations

import uuid

from datastore.accounts.items import SessionItem
from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.repository.users import UserRows
from datastore.kit.loaders import ByKeyLoader, Ids
from datastore.kit.raw_reads import Record


class UserByIdLoader(ByKeyLoader[UserRows, uuid.UUID, Record]):
    """Users by id; the statement may be shared with concurrent requests' (UserRows)."""

    async def fetch(self, ids: Ids) -> dict[uuid.UUID, Record]:
        return {row.id: row for row in await self.source.by_ids(ids)}


class SessionByIdLoader(ByKeyLoader[SessionRepository, str, SessionItem]):
    async def fetch(self, ids: list[str]) -> dict[str, SessionItem]:
        return await self.source.get_many(ids)
