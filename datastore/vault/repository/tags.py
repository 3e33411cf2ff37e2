"""Queries on `secret_tags`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.vault.tables import SecretTag


class SecretTagRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, user_id: uuid.UUID, values: dict[str, Any]) -> SecretTag:
        statement = insert(SecretTag).values(user_id=user_id, **values).returning(SecretTag)
        return (await self.session.execute(statement)).scalar_one()

    async def get(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> SecretTag | None:
        """The caller's tag; None when missing or someone else's."""
        statement = select(SecretTag).where(SecretTag.id == tag_id, SecretTag.user_id == user_id)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def get_for_update(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> SecretTag | None:
        statement = (
            select(SecretTag)
            .where(SecretTag.id == tag_id, SecretTag.user_id == user_id)
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def get_by_lookup(self, user_id: uuid.UUID, lookup_hash: bytes) -> SecretTag | None:
        statement = select(SecretTag).where(
            SecretTag.user_id == user_id, SecretTag.lookup_hash == lookup_hash
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def lookup_taken(
        self, user_id: uuid.UUID, lookup_hash: bytes, *, except_id: uuid.UUID | None = None
    ) -> bool:
        statement = select(SecretTag.id).where(
            SecretTag.user_id == user_id, SecretTag.lookup_hash == lookup_hash
        )
        if except_id is not None:
            statement = statement.where(SecretTag.id != except_id)
        return (await self.session.execute(statement.limit(1))).first() is not None

    async def count(self, user_id: uuid.UUID) -> int:
        statement = select(func.count()).where(SecretTag.user_id == user_id)
        return int((await self.session.execute(statement)).scalar_one())

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[SecretTag]:
        rows = await self.session.execute(select(SecretTag).where(SecretTag.id.in_(ids)))
        return list(rows.scalars())

    async def page(
        self, user_id: uuid.UUID, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> list[SecretTag]:
        """Oldest first, after a (created_at, id) keyset."""
        statement = select(SecretTag).where(SecretTag.user_id == user_id)
        if after is not None:
            statement = statement.where(tuple_(SecretTag.created_at, SecretTag.id) > after)
        statement = statement.order_by(SecretTag.created_at, SecretTag.id).limit(limit)
        return list((await self.session.execute(statement)).scalars())

    async def update(self, tag_id: uuid.UUID, values: dict[str, Any]) -> SecretTag:
        statement = (
            update(SecretTag)
            .where(SecretTag.id == tag_id)
            .values(**values, version=SecretTag.version + 1, updated_at=func.now())
            .returning(SecretTag)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def delete(self, tag_id: uuid.UUID) -> None:
        await self.session.execute(delete(SecretTag).where(SecretTag.id == tag_id))
