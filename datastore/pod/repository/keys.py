"""Wrapped data keys: one per user, created on first need, re-wrapped on rotation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.pod.tables import DataKey


class DataKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_or_insert(self, user_id: uuid.UUID, key_id: str, wrapped: bytes) -> DataKey:
        """The user's wrapped key; `wrapped` is stored only if they had none (a race's loser
        reads the winner's)."""
        await self.session.execute(
            insert(DataKey)
            .values(user_id=user_id, master_key_id=key_id, wrapped_key=wrapped)
            .on_conflict_do_nothing()
        )
        return (
            await self.session.execute(select(DataKey).where(DataKey.user_id == user_id))
        ).scalar_one()

    async def list_by_user_ids(self, user_ids: Sequence[uuid.UUID]) -> list[DataKey]:
        rows = await self.session.execute(select(DataKey).where(DataKey.user_id.in_(user_ids)))
        return list(rows.scalars())

    async def lock_batch_not_wrapped_by(self, key_id: str, *, limit: int) -> list[DataKey]:
        """Keys still under another master key; locked, skipping keys another rotator holds."""
        statement = (
            select(DataKey)
            .where(DataKey.master_key_id != key_id)
            .order_by(DataKey.user_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(statement)).scalars())

    async def count_not_wrapped_by(self, key_id: str) -> int:
        statement = select(func.count()).where(DataKey.master_key_id != key_id)
        return (await self.session.execute(statement)).scalar_one()

    async def rewrap(self, user_id: uuid.UUID, key_id: str, wrapped: bytes) -> None:
        await self.session.execute(
            update(DataKey)
            .where(DataKey.user_id == user_id)
            .values(master_key_id=key_id, wrapped_key=wrapped, rewrapped_at=func.now())
        )
