"""Queries on `vault_entries`: hidden entries, ciphertext only, listed per tag."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.vault.tables import VaultEntry

# The journal's order (newest entry date first), so hidden lists page like journalEntries.
VaultEntryKey = tuple[date, datetime, uuid.UUID]


def vault_entry_key(entry: VaultEntry) -> VaultEntryKey:
    return (entry.entry_date, entry.created_at, entry.id)


class VaultEntryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, user_id: uuid.UUID, values: dict[str, Any]) -> VaultEntry:
        statement = insert(VaultEntry).values(user_id=user_id, **values).returning(VaultEntry)
        return (await self.session.execute(statement)).scalar_one()

    async def count_for_tag(self, tag_id: uuid.UUID) -> int:
        statement = select(func.count()).where(VaultEntry.tag_id == tag_id)
        return int((await self.session.execute(statement)).scalar_one())

    async def page(
        self,
        tag_id: uuid.UUID,
        *,
        limit: int,
        after: VaultEntryKey | None,
        below_key_version: int | None = None,
    ) -> list[VaultEntry]:
        """Up to `limit` of the tag's entries after `after`, newest first; with
        `below_key_version`, only those sealed with an older data key."""
        statement = select(VaultEntry).where(VaultEntry.tag_id == tag_id)
        if below_key_version is not None:
            statement = statement.where(VaultEntry.key_version < below_key_version)
        if after is not None:
            key = tuple_(VaultEntry.entry_date, VaultEntry.created_at, VaultEntry.id)
            statement = statement.where(key < tuple_(*after))
        statement = statement.order_by(
            VaultEntry.entry_date.desc(), VaultEntry.created_at.desc(), VaultEntry.id.desc()
        ).limit(limit)
        return list((await self.session.execute(statement)).scalars())

    async def list_for_update(
        self, tag_id: uuid.UUID, entry_ids: Sequence[uuid.UUID]
    ) -> list[VaultEntry]:
        """The tag's entries among `entry_ids`, row-locked."""
        statement = (
            select(VaultEntry)
            .where(VaultEntry.tag_id == tag_id, VaultEntry.id.in_(entry_ids))
            .with_for_update()
        )
        return list((await self.session.execute(statement)).scalars())

    async def replace_blob(self, entry_id: uuid.UUID, values: dict[str, Any]) -> VaultEntry:
        statement = (
            update(VaultEntry)
            .where(VaultEntry.id == entry_id)
            .values(**values, version=VaultEntry.version + 1, updated_at=func.now())
            .returning(VaultEntry)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def delete(self, tag_id: uuid.UUID, entry_id: uuid.UUID) -> bool:
        deleted = await self.session.execute(
            delete(VaultEntry)
            .where(VaultEntry.tag_id == tag_id, VaultEntry.id == entry_id)
            .returning(VaultEntry.id)
        )
        return deleted.first() is not None

    async def delete_for_tag(self, tag_id: uuid.UUID) -> int:
        deleted = await self.session.execute(
            delete(VaultEntry).where(VaultEntry.tag_id == tag_id).returning(VaultEntry.id)
        )
        return len(deleted.all())
