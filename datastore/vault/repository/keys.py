"""Queries on `vault_keys`: each tag's data keys, wrapped by the client, by version."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.vault.tables import VaultEntry, VaultKey


class VaultKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, tag_id: uuid.UUID, version: int, wrapped_key: bytes) -> None:
        await self.session.execute(
            insert(VaultKey).values(tag_id=tag_id, version=version, wrapped_key=wrapped_key)
        )

    async def list_for_tag(self, tag_id: uuid.UUID) -> list[VaultKey]:
        """Every version still kept, oldest first."""
        statement = select(VaultKey).where(VaultKey.tag_id == tag_id).order_by(VaultKey.version)
        return list((await self.session.execute(statement)).scalars())

    async def versions_by_tag_ids(self, tag_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[int]]:
        statement = select(VaultKey.tag_id, VaultKey.version).where(VaultKey.tag_id.in_(tag_ids))
        found: dict[uuid.UUID, list[int]] = {}
        for tag_id, version in await self.session.execute(statement.order_by(VaultKey.version)):
            found.setdefault(tag_id, []).append(version)
        return found

    async def rewrap(self, tag_id: uuid.UUID, wrapped: Mapping[int, bytes]) -> None:
        """Replace the wrapping of each version (a new phrase); the data keys stay."""
        for version, wrapped_key in wrapped.items():
            await self.session.execute(
                update(VaultKey)
                .where(VaultKey.tag_id == tag_id, VaultKey.version == version)
                .values(wrapped_key=wrapped_key)
            )

    async def retire_all(self, tag_id: uuid.UUID) -> None:
        """Mark every current version retired: a newer one is about to take over."""
        await self.session.execute(
            update(VaultKey)
            .where(VaultKey.tag_id == tag_id, VaultKey.retired_at.is_(None))
            .values(retired_at=func.now())
        )

    async def delete_unused_retired(self, tag_id: uuid.UUID) -> list[int]:
        """Delete retired versions no hidden entry is sealed with any more; their versions."""
        used = exists().where(
            VaultEntry.tag_id == VaultKey.tag_id, VaultEntry.key_version == VaultKey.version
        )
        statement = (
            delete(VaultKey)
            .where(VaultKey.tag_id == tag_id, VaultKey.retired_at.is_not(None), ~used)
            .returning(VaultKey.version)
        )
        return list((await self.session.execute(statement)).scalars())

    async def delete_for_tag(self, tag_id: uuid.UUID) -> int:
        deleted = await self.session.execute(
            delete(VaultKey).where(VaultKey.tag_id == tag_id).returning(VaultKey.version)
        )
        return len(deleted.all())
