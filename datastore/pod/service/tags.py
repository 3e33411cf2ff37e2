"""Tag use cases: create with a unique slug, rename, merge, delete."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.errors import BadUserInput, NotFound
from datastore.pod.repository.tags import TagRepository
from datastore.pod.service.changes import Actor
from datastore.pod.service.journal import Journal, diff
from datastore.pod.tables import Tag


def _values(row: Tag) -> dict[str, Any]:
    return {"name": row.name, "slug": row.slug, "color": row.color}


class TagService:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        invalidate: Callable[[uuid.UUID], Awaitable[None]],
    ) -> None:
        self.db = db
        self.invalidate = invalidate

    async def create(self, actor: Actor, *, name: str, slug: str, color: str | None) -> Tag:
        async with self.db() as db, db.begin():
            row = await TagRepository(db).insert(
                user_id=actor.user_id, name=name, slug=slug, color=color
            )
            if row is None:
                raise BadUserInput(f"A tag with the slug '{slug}' exists already.", field="name")
            journal = Journal(db, actor)
            journal.activity("CREATED", "TAG", row.id, new=_values(row))
            journal.change("TAG", row.id, "CREATED", row.version)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return row

    async def update(self, actor: Actor, tag_id: uuid.UUID, values: dict[str, Any]) -> Tag:
        async with self.db() as db, db.begin():
            repository = TagRepository(db)
            row = await self._locked(repository, actor, tag_id)
            slug = values.get("slug")
            if slug and await repository.slug_taken(actor.user_id, slug, besides=row.id):
                raise BadUserInput(f"A tag with the slug '{slug}' exists already.", field="name")
            before = _values(row)
            updated = await repository.update(row.id, **values) if values else row
            journal = Journal(db, actor)
            old, new = diff(before, _values(updated))
            journal.activity("UPDATED", "TAG", row.id, old=old, new=new)
            journal.change("TAG", row.id, "UPDATED", updated.version)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return updated

    async def merge(self, actor: Actor, sources: list[uuid.UUID], target_id: uuid.UUID) -> Tag:
        """Move the sources' taggings onto the target and delete the sources."""
        sources = [s for s in dict.fromkeys(sources) if s != target_id]
        if not sources:
            raise BadUserInput("Name at least one other tag to merge.", field="sourceIds")
        async with self.db() as db, db.begin():
            repository = TagRepository(db)
            target = await self._locked(repository, actor, target_id)
            if len(await repository.owned_ids(actor.user_id, sources)) != len(sources):
                raise BadUserInput("No such tag.", field="sourceIds")
            await repository.merge(actor.user_id, sources, target.id)
            merged = await repository.update(target.id)
            journal = Journal(db, actor)
            for source in sources:
                journal.activity("MERGED", "TAG", source, new={"mergedInto": str(target.id)})
                journal.change("TAG", source, "DELETED", 0, mergedInto=str(target.id))
            journal.change("TAG", target.id, "UPDATED", merged.version)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return merged

    async def delete(self, actor: Actor, tag_id: uuid.UUID) -> uuid.UUID:
        async with self.db() as db, db.begin():
            repository = TagRepository(db)
            row = await self._locked(repository, actor, tag_id)
            await repository.delete(row.id)
            journal = Journal(db, actor)
            journal.activity("DELETED", "TAG", row.id, old=_values(row))
            journal.change("TAG", row.id, "DELETED", row.version + 1)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return row.id

    async def _locked(self, repository: TagRepository, actor: Actor, tag_id: uuid.UUID) -> Tag:
        row = await repository.get_for_update(tag_id, actor.user_id)
        if row is None:
            raise NotFound("No such tag.", field="id")
        return row
