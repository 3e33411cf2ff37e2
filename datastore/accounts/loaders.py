"""Per-request batch loaders of accounts: one query (or BatchGetItem) per batch."""

from __future__ import annotations

import uuid

from datastore.accounts.items import SessionItem
from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.repository.users import user_rows_by_ids
from datastore.kit.loaders import ByKeyLoader, Ids
from datastore.kit.raw_reads import RawReads, Record


class UserByIdLoader(ByKeyLoader[RawReads, uuid.UUID, Record]):
    async def fetch(self, ids: Ids) -> dict[uuid.UUID, Record]:
        return {row.id: row for row in await user_rows_by_ids(self.source, ids)}


class SessionByIdLoader(ByKeyLoader[SessionRepository, str, SessionItem]):
    async def fetch(self, ids: list[str]) -> dict[str, SessionItem]:
        return await self.source.get_many(ids)
