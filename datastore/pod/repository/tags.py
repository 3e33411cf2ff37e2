"""Tags: unique slugs per user, rename, merge; usage counts come from the trigger."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.trigrams import closest_names
from datastore.pod.tables import Tag

# Moves the sources' taggings onto the target (the trigger counts each moved row); an
# entry already tagged with the target keeps one tagging.
_MOVE_TAGGINGS = text(
    """
    INSERT INTO entry_tags (entry_id, tag_id, user_id)
    SELECT DISTINCT entry_id, CAST(:target AS uuid), user_id FROM entry_tags
    WHERE tag_id = ANY(:sources) AND user_id = :user_id
    ORDER BY entry_id
    ON CONFLICT DO NOTHING
    """
)


class TagRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert(self, **values: Any) -> Tag | None:
        """The new tag, or None when the user already has one with this slug."""
        statement = insert(Tag).values(**values).on_conflict_do_nothing().returning(Tag)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def get_for_update(self, tag_id: uuid.UUID, user_id: uuid.UUID) -> Tag | None:
        statement = select(Tag).where(Tag.id == tag_id, Tag.user_id == user_id).with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def slug_taken(self, user_id: uuid.UUID, slug: str, *, besides: uuid.UUID) -> bool:
        statement = select(Tag.id).where(
            Tag.user_id == user_id, Tag.slug == slug, Tag.id != besides
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def update(self, tag_id: uuid.UUID, **values: Any) -> Tag:
        statement = (
            update(Tag)
            .where(Tag.id == tag_id)
            .values(**values, version=Tag.version + 1, updated_at=func.now())
            .returning(Tag)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def owned_ids(self, user_id: uuid.UUID, tag_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        statement = select(Tag.id).where(Tag.user_id == user_id, Tag.id.in_(tag_ids))
        return set((await self.session.execute(statement)).scalars())

    async def merge(
        self, user_id: uuid.UUID, sources: Sequence[uuid.UUID], target: uuid.UUID
    ) -> None:
        await self.session.execute(
            _MOVE_TAGGINGS, {"target": target, "sources": list(sources), "user_id": user_id}
        )
        await self.session.execute(delete(Tag).where(Tag.id.in_(sources), Tag.user_id == user_id))

    async def delete(self, tag_id: uuid.UUID) -> None:
        await self.session.execute(delete(Tag).where(Tag.id == tag_id))

    async def list_by_ids(self, tag_ids: Sequence[uuid.UUID]) -> list[Tag]:
        statement = select(Tag).where(Tag.id.in_(tag_ids))
        return list((await self.session.execute(statement)).scalars())

    async def page(
        self,
        user_id: uuid.UUID,
        *,
        slug_prefix: str | None,
        after: str | None,
        limit: int,
    ) -> tuple[list[Tag], bool]:
        """By slug (unique per user, so a complete keyset)."""
        statement = select(Tag).where(Tag.user_id == user_id)
        if slug_prefix:
            statement = statement.where(Tag.slug.startswith(slug_prefix, autoescape=True))
        if after is not None:
            statement = statement.where(Tag.slug > after)
        rows = list(
            (await self.session.execute(statement.order_by(Tag.slug).limit(limit + 1))).scalars()
        )
        return rows[:limit], len(rows) > limit

    async def named_like(self, user_id: uuid.UUID, query: str) -> list[Tag]:
        """My tags sharing a trigram with `query`, the most similar first: the candidates of
        a fuzzy search by name."""
        statement = closest_names(Tag, user_id, query)
        return list((await self.session.execute(statement)).scalars())
