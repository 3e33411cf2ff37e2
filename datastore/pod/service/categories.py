"""Category use cases: create, edit, move without cycles, delete into the parent."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.errors import BadUserInput, NotFound
from datastore.pod.repository.categories import CategoryRepository
from datastore.pod.service.changes import Actor
from datastore.pod.service.journal import Journal, diff
from datastore.pod.tables import Category

MAX_CATEGORIES_DEPTH = 16


def _values(row: Category) -> dict[str, Any]:
    return {
        "name": row.name,
        "color": row.color,
        "icon": row.icon,
        "position": row.position,
        "parentId": str(row.parent_id) if row.parent_id else None,
    }


class CategoryService:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        invalidate: Callable[[uuid.UUID], Awaitable[None]],
    ) -> None:
        self.db = db
        self.invalidate = invalidate

    async def create(self, actor: Actor, *, parent_id: uuid.UUID | None, **values: Any) -> Category:
        async with self.db() as db, db.begin():
            repository = CategoryRepository(db)
            await repository.ensure_inbox(actor.user_id)
            if parent_id is not None:
                await self._check_parent(repository, actor, parent_id)
            row = await repository.insert(user_id=actor.user_id, parent_id=parent_id, **values)
            journal = Journal(db, actor)
            journal.activity("CREATED", "CATEGORY", row.id, new=_values(row))
            journal.change("CATEGORY", row.id, "CREATED", row.version)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return row

    async def update(self, actor: Actor, category_id: uuid.UUID, values: dict) -> Category:
        async with self.db() as db, db.begin():
            repository = CategoryRepository(db)
            row = await self._locked(repository, actor, category_id)
            before = _values(row)
            updated = await repository.update(row.id, **values) if values else row
            journal = Journal(db, actor)
            old, new = diff(before, _values(updated))
            journal.activity("UPDATED", "CATEGORY", row.id, old=old, new=new)
            journal.change("CATEGORY", row.id, "UPDATED", updated.version)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return updated

    async def move(
        self,
        actor: Actor,
        category_id: uuid.UUID,
        parent_id: uuid.UUID | None,
        position: int | None,
    ) -> Category:
        async with self.db() as db, db.begin():
            repository = CategoryRepository(db)
            await repository.lock_tree(actor.user_id)
            row = await self._locked(repository, actor, category_id)
            if parent_id is not None:
                ancestors = await self._check_parent(repository, actor, parent_id)
                if row.id in ancestors:
                    raise BadUserInput(
                        "A category cannot move under itself or its subcategories.",
                        field="parentId",
                    )
            old_parent = str(row.parent_id) if row.parent_id else None
            values: dict[str, Any] = {"parent_id": parent_id}
            if position is not None:
                values["position"] = position
            updated = await repository.update(row.id, **values)
            journal = Journal(db, actor)
            journal.activity(
                "MOVED",
                "CATEGORY",
                row.id,
                old={"parentId": old_parent},
                new={"parentId": str(parent_id) if parent_id else None},
            )
            journal.change("CATEGORY", row.id, "UPDATED", updated.version)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return updated

    async def delete(self, actor: Actor, category_id: uuid.UUID) -> uuid.UUID:
        """Delete a category: its subcategories and entries move to its parent (entries to
        the Inbox at the root)."""
        async with self.db() as db, db.begin():
            repository = CategoryRepository(db)
            await repository.lock_tree(actor.user_id)
            row = await self._locked(repository, actor, category_id)
            if row.system_key is not None:
                raise BadUserInput("System categories cannot be deleted.", field="id")
            journal = Journal(db, actor)
            for child in await repository.reparent_children(row.id, row.parent_id):
                journal.change("CATEGORY", child.id, "UPDATED", child.version)
            target = row.parent_id or await repository.ensure_inbox(actor.user_id)
            for entry_id, kind, version in await repository.move_entries(row.id, target):
                journal.activity(
                    "MOVED",
                    "ENTRY",
                    entry_id,
                    kind=kind,
                    old={"categoryId": str(row.id)},
                    new={"categoryId": str(target)},
                )
                journal.change("ENTRY", entry_id, "UPDATED", version, kind=kind)
            await repository.delete(row.id)
            journal.activity("DELETED", "CATEGORY", row.id, old=_values(row))
            journal.change("CATEGORY", row.id, "DELETED", row.version + 1)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return row.id

    async def _locked(
        self, repository: CategoryRepository, actor: Actor, category_id: uuid.UUID
    ) -> Category:
        row = await repository.get_for_update(category_id, actor.user_id)
        if row is None:
            raise NotFound("No such category.", field="id")
        return row

    async def _check_parent(
        self, repository: CategoryRepository, actor: Actor, parent_id: uuid.UUID
    ) -> set[uuid.UUID]:
        """The parent's ancestors (itself included); BAD_USER_INPUT if it is not mine or
        the tree would grow too deep."""
        ancestors = await repository.ancestors(parent_id, actor.user_id)
        if not ancestors:
            raise BadUserInput("No such parent category.", field="parentId")
        if len(ancestors) >= MAX_CATEGORIES_DEPTH:
            raise BadUserInput(
                f"Categories nest at most {MAX_CATEGORIES_DEPTH} deep.", field="parentId"
            )
        return ancestors
