"""Queries on chat groups, their members and invites (PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.chat.tables import ChatGroup, GroupInvite, GroupMember
from datastore.kit.postgres import rowcount


class GroupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, *, created_by: uuid.UUID, **values: Any) -> ChatGroup:
        statement = insert(ChatGroup).values(created_by=created_by, **values).returning(ChatGroup)
        return (await self.session.execute(statement)).scalar_one()

    async def get(self, group_id: uuid.UUID, *, for_update: bool = False) -> ChatGroup | None:
        statement = select(ChatGroup).where(ChatGroup.id == group_id)
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[ChatGroup]:
        rows = await self.session.execute(select(ChatGroup).where(ChatGroup.id.in_(ids)))
        return list(rows.scalars())

    async def update_fields(self, group_id: uuid.UUID, **values: Any) -> ChatGroup:
        statement = (
            update(ChatGroup)
            .where(ChatGroup.id == group_id)
            .values(**values, updated_at=func.now())
            .returning(ChatGroup)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def page_for_member(
        self, user_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
    ) -> list[ChatGroup]:
        statement = (
            select(ChatGroup)
            .join(GroupMember, GroupMember.group_id == ChatGroup.id)
            .where(GroupMember.user_id == user_id)
        )
        if after is not None:
            statement = statement.where(ChatGroup.id > after)
        statement = statement.order_by(ChatGroup.id).limit(limit)
        return list((await self.session.execute(statement)).scalars())

    async def search_public(
        self, prefix: str, *, after: tuple[str, uuid.UUID] | None, limit: int
    ) -> list[ChatGroup]:
        """Public groups whose name starts with `prefix`, by lower(name) then id."""
        name = func.lower(ChatGroup.name)
        escaped = prefix.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = select(ChatGroup).where(
            ChatGroup.visibility == "PUBLIC", name.like(escaped + "%", escape="\\")
        )
        if after is not None:
            statement = statement.where(func.row(name, ChatGroup.id) > func.row(after[0], after[1]))
        statement = statement.order_by(name, ChatGroup.id).limit(limit)
        return list((await self.session.execute(statement)).scalars())


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, group_id: uuid.UUID, user_id: uuid.UUID, role: str) -> bool:
        """Add a member; False when they already are one."""
        statement = (
            insert(GroupMember)
            .values(group_id=group_id, user_id=user_id, role=role)
            .on_conflict_do_nothing()
            .returning(GroupMember.user_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def get(
        self, group_id: uuid.UUID, user_id: uuid.UUID, *, for_update: bool = False
    ) -> GroupMember | None:
        statement = select(GroupMember).where(
            GroupMember.group_id == group_id, GroupMember.user_id == user_id
        )
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def memberships(
        self, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], GroupMember]:
        """Memberships for (group, user) pairs: one statement."""
        if not pairs:
            return {}
        groups = list({g for g, _ in pairs})
        users = list({u for _, u in pairs})
        rows = await self.session.execute(
            select(GroupMember).where(
                GroupMember.group_id.in_(groups), GroupMember.user_id.in_(users)
            )
        )
        wanted = set(pairs)
        return {
            (m.group_id, m.user_id): m for m in rows.scalars() if (m.group_id, m.user_id) in wanted
        }

    async def set_role(self, group_id: uuid.UUID, user_id: uuid.UUID, role: str) -> None:
        await self.session.execute(
            update(GroupMember)
            .where(GroupMember.group_id == group_id, GroupMember.user_id == user_id)
            .values(role=role)
        )

    async def remove(self, group_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        result = await self.session.execute(
            delete(GroupMember).where(
                GroupMember.group_id == group_id, GroupMember.user_id == user_id
            )
        )
        return bool(rowcount(result))

    async def user_ids(self, group_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.session.execute(
            select(GroupMember.user_id).where(GroupMember.group_id == group_id)
        )
        return list(rows.scalars())

    async def user_ids_by_group(
        self, group_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[uuid.UUID]]:
        rows = await self.session.execute(
            select(GroupMember.group_id, GroupMember.user_id).where(
                GroupMember.group_id.in_(group_ids)
            )
        )
        found: dict[uuid.UUID, list[uuid.UUID]] = {g: [] for g in group_ids}
        for group_id, user_id in rows:
            found[group_id].append(user_id)
        return found

    async def page(
        self, group_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
    ) -> list[GroupMember]:
        statement = select(GroupMember).where(GroupMember.group_id == group_id)
        if after is not None:
            statement = statement.where(GroupMember.user_id > after)
        statement = statement.order_by(GroupMember.user_id).limit(limit)
        return list((await self.session.execute(statement)).scalars())

    async def count_by_group(self, group_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        rows = await self.session.execute(
            select(GroupMember.group_id, func.count())
            .where(GroupMember.group_id.in_(group_ids))
            .group_by(GroupMember.group_id)
        )
        return {g: c for g, c in rows}


class InviteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, group_id: uuid.UUID, user_id: uuid.UUID, invited_by: uuid.UUID) -> bool:
        statement = (
            insert(GroupInvite)
            .values(group_id=group_id, user_id=user_id, invited_by=invited_by)
            .on_conflict_do_nothing()
            .returning(GroupInvite.user_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def take(self, group_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        """Use up an invite; False when there was none."""
        result = await self.session.execute(
            delete(GroupInvite).where(
                GroupInvite.group_id == group_id, GroupInvite.user_id == user_id
            )
        )
        return bool(rowcount(result))
