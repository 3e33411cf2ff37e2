"""Queries on `journal_tags`: per-user names, unique ignoring case."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.tables import JournalTag
from datastore.kit.trigrams import closest_names


class JournalTagRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, user_id: uuid.UUID, *, name: str, color: str) -> JournalTag | None:
        """The new tag; None when the user already has one of that name."""
        statement = (
            insert(JournalTag)
            .values(user_id=user_id, name=name, color=color)
            .on_conflict_do_nothing()
            .returning(JournalTag)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def name_taken(
        self, user_id: uuid.UUID, name: str, *, except_id: uuid.UUID | None = None
    ) -> bool:
        statement = select(JournalTag.id).where(
            JournalTag.user_id == user_id, func.lower(JournalTag.name) == name.lower()
        )
        if except_id is not None:
            statement = statement.where(JournalTag.id != except_id)
        return (await self.session.execute(statement)).first() is not None

    async def get_for_update(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> JournalTag | None:
        statement = (
            select(JournalTag)
            .where(JournalTag.id == tag_id, JournalTag.user_id == user_id)
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def update(self, tag_id: uuid.UUID, values: dict[str, Any]) -> JournalTag:
        statement = (
            update(JournalTag)
            .where(JournalTag.id == tag_id)
            .values(**values, version=JournalTag.version + 1)
            .returning(JournalTag)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def delete(self, tag_id: uuid.UUID) -> None:
        await self.session.execute(delete(JournalTag).where(JournalTag.id == tag_id))

    async def owned_ids(self, user_id: uuid.UUID, tag_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        rows = await self.session.execute(
            select(JournalTag.id).where(JournalTag.user_id == user_id, JournalTag.id.in_(tag_ids))
        )
        return set(rows.scalars())

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[JournalTag]:
        rows = await self.session.execute(select(JournalTag).where(JournalTag.id.in_(ids)))
        return list(rows.scalars())

    async def page(
        self, user_id: uuid.UUID, *, limit: int, after: tuple[str, uuid.UUID] | None
    ) -> list[JournalTag]:
        """By name ignoring case, then id."""
        key = tuple_(func.lower(JournalTag.name), JournalTag.id)
        statement = select(JournalTag).where(JournalTag.user_id == user_id)
        if after is not None:
            statement = statement.where(key > tuple_(*after))
        statement = statement.order_by(func.lower(JournalTag.name), JournalTag.id).limit(limit)
        return list((await self.session.execute(statement)).scalars())

    async def named_like(self, user_id: uuid.UUID, query: str) -> list[JournalTag]:
        """My tags sharing a trigram with `query`, the most similar first: the candidates of
        a fuzzy search by name."""
        statement = closest_names(JournalTag, user_id, query)
        return list((await self.session.execute(statement)).scalars())
