"""Category trees: system categories, moves that refuse cycles, the tree with counts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.pod.tables import Category, Entry

INBOX = "inbox"

# Created for every user on their first pod operation: one idempotent statement that also
# returns the Inbox's id (from the insert, or from the existing row).
_ENSURE_INBOX = text(
    """
    WITH created AS (
        INSERT INTO categories (user_id, name, system_key, icon, position)
        VALUES (:user_id, 'Inbox', 'inbox', 'inbox', 0)
        ON CONFLICT (user_id, system_key) DO NOTHING
        RETURNING id
    )
    SELECT id FROM created
    UNION ALL
    SELECT id FROM categories WHERE user_id = :user_id AND system_key = 'inbox'
    LIMIT 1
    """
)

# Each category with its depth and direct entry count, for one user, in one statement.
_TREE = text(
    """
    WITH RECURSIVE tree AS (
        SELECT id, parent_id, 0 AS depth FROM categories
        WHERE user_id = :user_id AND parent_id IS NULL
        UNION ALL
        SELECT c.id, c.parent_id, tree.depth + 1 FROM categories c
        JOIN tree ON c.parent_id = tree.id
        WHERE c.user_id = :user_id
    ),
    counts AS (
        SELECT category_id, count(*) AS entry_count FROM entries
        WHERE user_id = :user_id AND status <> 'DELETED'
          AND (expires_at IS NULL OR expires_at > now())
        GROUP BY category_id
    )
    SELECT c.*, tree.depth, coalesce(counts.entry_count, 0) AS entry_count
    FROM tree
    JOIN categories c ON c.id = tree.id
    LEFT JOIN counts ON counts.category_id = tree.id
    ORDER BY tree.depth, c.system_key IS NULL, c.position, lower(c.name), c.id
    """
)

# Ancestors of a category, itself included: moving X under P is a cycle when X is here.
_ANCESTORS = text(
    """
    WITH RECURSIVE up AS (
        SELECT id, parent_id FROM categories WHERE id = :start AND user_id = :user_id
        UNION ALL
        SELECT c.id, c.parent_id FROM categories c JOIN up ON c.id = up.parent_id
    )
    SELECT id FROM up
    """
)


@dataclass(frozen=True)
class TreeRow:
    category: dict[str, Any]
    depth: int
    entry_count: int


class CategoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ensure_inbox(self, user_id: uuid.UUID) -> uuid.UUID:
        """The user's Inbox category, created by the first caller."""
        found = await self.session.execute(_ENSURE_INBOX, {"user_id": user_id})
        inbox = found.scalar_one_or_none()
        if inbox is None:
            # A concurrent first read inserted it: ON CONFLICT waited for that commit, but
            # this statement's snapshot predates it. A new statement sees it.
            inbox = (
                await self.session.execute(
                    select(Category.id).where(
                        Category.user_id == user_id, Category.system_key == "inbox"
                    )
                )
            ).scalar_one()
        return inbox

    async def lock_tree(self, user_id: uuid.UUID) -> None:
        """Serialise structural changes of one user's tree (two crossing moves could
        otherwise each pass the cycle check)."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"categories:{user_id}"},
        )

    async def insert(self, **values: Any) -> Category:
        statement = insert(Category).values(**values).returning(Category)
        return (await self.session.execute(statement)).scalar_one()

    async def get_for_update(self, category_id: uuid.UUID, user_id: uuid.UUID) -> Category | None:
        statement = (
            select(Category)
            .where(Category.id == category_id, Category.user_id == user_id)
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def exists(self, category_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        statement = select(Category.id).where(
            Category.id == category_id, Category.user_id == user_id
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def update(self, category_id: uuid.UUID, **values: Any) -> Category:
        statement = (
            update(Category)
            .where(Category.id == category_id)
            .values(**values, version=Category.version + 1, updated_at=func.now())
            .returning(Category)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def ancestors(self, category_id: uuid.UUID, user_id: uuid.UUID) -> set[uuid.UUID]:
        rows = await self.session.execute(_ANCESTORS, {"start": category_id, "user_id": user_id})
        return set(rows.scalars())

    async def reparent_children(
        self, category_id: uuid.UUID, parent_id: uuid.UUID | None
    ) -> list[Category]:
        statement = (
            update(Category)
            .where(Category.parent_id == category_id)
            .values(parent_id=parent_id, version=Category.version + 1, updated_at=func.now())
            .returning(Category)
            .execution_options(populate_existing=True)
        )
        return list((await self.session.execute(statement)).scalars())

    async def move_entries(
        self, from_id: uuid.UUID, to_id: uuid.UUID
    ) -> list[tuple[uuid.UUID, str, int]]:
        """Move a category's entries; (id, kind, new version) of each moved entry."""
        statement = (
            update(Entry)
            .where(Entry.category_id == from_id)
            .values(category_id=to_id, version=Entry.version + 1, updated_at=func.now())
            .returning(Entry.id, Entry.kind, Entry.version)
        )
        return [(row[0], row[1], row[2]) for row in await self.session.execute(statement)]

    async def delete(self, category_id: uuid.UUID) -> None:
        await self.session.execute(
            text("DELETE FROM categories WHERE id = :id"), {"id": category_id}
        )

    async def list_by_ids(self, category_ids: Sequence[uuid.UUID]) -> list[Category]:
        statement = select(Category).where(Category.id.in_(category_ids))
        return list((await self.session.execute(statement)).scalars())

    async def page(
        self, user_id: uuid.UUID, *, after: tuple[str, uuid.UUID] | None, limit: int
    ) -> tuple[list[Category], bool]:
        """Alphabetical, keyset on (lower(name), id)."""
        key = tuple_(func.lower(Category.name), Category.id)
        statement = select(Category).where(Category.user_id == user_id)
        if after is not None:
            statement = statement.where(key > tuple_(*after))
        statement = statement.order_by(func.lower(Category.name), Category.id).limit(limit + 1)
        rows = list((await self.session.execute(statement)).scalars())
        return rows[:limit], len(rows) > limit

    async def tree(self, user_id: uuid.UUID) -> list[TreeRow]:
        rows = (await self.session.execute(_TREE, {"user_id": user_id})).mappings().all()
        return [
            TreeRow(
                category={k: v for k, v in row.items() if k not in ("depth", "entry_count")},
                depth=row["depth"],
                entry_count=row["entry_count"],
            )
            for row in rows
        ]
