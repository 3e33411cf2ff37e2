"""Queries on friendships, blocks, people search and user activities."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.accounts.tables import User
from datastore.kit.postgres import rowcount
from datastore.people.tables import Block, Friendship, UserActivity


def ordered(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class Relation:
    """How `viewer` and another person stand: friendship state and blocks both ways."""

    friendship: Friendship | None
    blocked_by_viewer: bool
    blocked_viewer: bool

    @property
    def friends(self) -> bool:
        return self.friendship is not None and self.friendship.status == "ACCEPTED"


class FriendshipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_pair(
        self, a: uuid.UUID, b: uuid.UUID, *, for_update: bool = False
    ) -> Friendship | None:
        low, high = ordered(a, b)
        statement = select(Friendship).where(
            Friendship.user_low == low, Friendship.user_high == high
        )
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def create_request(self, requester: uuid.UUID, addressee: uuid.UUID) -> bool:
        """A pending request; False when the pair already has a row."""
        low, high = ordered(requester, addressee)
        statement = (
            insert(Friendship)
            .values(user_low=low, user_high=high, requester_id=requester, status="PENDING")
            .on_conflict_do_nothing()
            .returning(Friendship.user_low)
        )
        return (await self.session.execute(statement)).first() is not None

    async def accept(self, friendship: Friendship) -> None:
        await self.session.execute(
            update(Friendship)
            .where(
                Friendship.user_low == friendship.user_low,
                Friendship.user_high == friendship.user_high,
            )
            .values(status="ACCEPTED", accepted_at=func.now())
        )

    async def delete_pair(self, a: uuid.UUID, b: uuid.UUID) -> bool:
        low, high = ordered(a, b)
        result = await self.session.execute(
            delete(Friendship).where(Friendship.user_low == low, Friendship.user_high == high)
        )
        return bool(rowcount(result))

    async def friend_ids(self, user_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.session.execute(
            select(Friendship.user_low, Friendship.user_high).where(
                Friendship.status == "ACCEPTED",
                or_(Friendship.user_low == user_id, Friendship.user_high == user_id),
            )
        )
        return [high if low == user_id else low for low, high in rows]

    async def page_people(
        self,
        user_id: uuid.UUID,
        *,
        status: str,
        direction: str | None,
        after: str | None,
        limit: int,
    ) -> list[tuple[User, Friendship]]:
        """Friends or requests of `user_id`, with the other person, by lower(username)."""
        other_id = _other_id(user_id)
        statement = (
            select(User, Friendship)
            .join(Friendship, User.id == other_id)
            .where(
                Friendship.status == status,
                or_(Friendship.user_low == user_id, Friendship.user_high == user_id),
            )
        )
        if direction == "INCOMING":
            statement = statement.where(Friendship.requester_id != user_id)
        elif direction == "OUTGOING":
            statement = statement.where(Friendship.requester_id == user_id)
        if after is not None:
            statement = statement.where(func.lower(User.username) > after)
        statement = statement.order_by(func.lower(User.username)).limit(limit)
        return [(row[0], row[1]) for row in await self.session.execute(statement)]

    async def relations(
        self, viewer: uuid.UUID, others: Sequence[uuid.UUID]
    ) -> dict[Any, Relation]:
        """Relation of `viewer` to each of `others`: two statements for any number."""
        pairs = [ordered(viewer, o) for o in others if o != viewer]
        friendships: dict[uuid.UUID, Friendship] = {}
        if pairs:
            rows = await self.session.execute(
                select(Friendship).where(
                    or_(
                        *(
                            and_(Friendship.user_low == low, Friendship.user_high == high)
                            for low, high in pairs
                        )
                    )
                )
            )
            friendships = {f.other(viewer): f for f in rows.scalars()}
        blocks = await self.session.execute(
            select(Block.blocker_id, Block.blocked_id).where(
                or_(
                    and_(Block.blocker_id == viewer, Block.blocked_id.in_(others)),
                    and_(Block.blocked_id == viewer, Block.blocker_id.in_(others)),
                )
            )
        )
        by_viewer, of_viewer = set(), set()
        for blocker, blocked in blocks:
            (by_viewer.add(blocked) if blocker == viewer else of_viewer.add(blocker))
        return {o: Relation(friendships.get(o), o in by_viewer, o in of_viewer) for o in others}


def _other_id(user_id: uuid.UUID) -> Any:
    return case((Friendship.user_low == user_id, Friendship.user_high), else_=Friendship.user_low)


# Built once: every send to a DIRECT conversation asks (no cache key to build per call).
_EITHER_BLOCKED = (
    select(Block.__table__.c.blocker_id)
    .where(
        or_(
            and_(Block.blocker_id == bindparam("a"), Block.blocked_id == bindparam("b")),
            and_(Block.blocker_id == bindparam("b"), Block.blocked_id == bindparam("a")),
        )
    )
    .limit(1)
)


class BlockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def block(self, blocker: uuid.UUID, blocked: uuid.UUID) -> None:
        await self.session.execute(
            insert(Block).values(blocker_id=blocker, blocked_id=blocked).on_conflict_do_nothing()
        )

    async def unblock(self, blocker: uuid.UUID, blocked: uuid.UUID) -> bool:
        result = await self.session.execute(
            delete(Block).where(Block.blocker_id == blocker, Block.blocked_id == blocked)
        )
        return bool(rowcount(result))

    async def either_blocked(self, a: uuid.UUID, b: uuid.UUID) -> bool:
        connection = await self.session.connection()
        row = await connection.execute(_EITHER_BLOCKED, {"a": a, "b": b})
        return row.first() is not None

    async def page_blocked(
        self, blocker: uuid.UUID, *, after: str | None, limit: int
    ) -> list[User]:
        statement = (
            select(User).join(Block, Block.blocked_id == User.id).where(Block.blocker_id == blocker)
        )
        if after is not None:
            statement = statement.where(func.lower(User.username) > after)
        statement = statement.order_by(func.lower(User.username)).limit(limit)
        return list((await self.session.execute(statement)).scalars())


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def search_by_username_prefix(
        self, viewer: uuid.UUID, prefix: str, *, after: str | None, limit: int
    ) -> list[User]:
        """Active users whose username starts with `prefix`, except those who blocked
        `viewer` (deactivated and deleted accounts are hidden)."""
        pattern = _escape_like(prefix.lower()) + "%"
        blocked_viewer = select(Block.blocker_id).where(Block.blocked_id == viewer)
        statement = select(User).where(
            func.lower(User.username).like(pattern, escape="\\"),
            User.id.not_in(blocked_viewer),
            User.account_state == "ACTIVE",
        )
        if after is not None:
            statement = statement.where(func.lower(User.username) > after)
        statement = statement.order_by(func.lower(User.username)).limit(limit)
        return list((await self.session.execute(statement)).scalars())

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def names(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Each found user's display name, or username when there is none (one query)."""
        rows = await self.session.execute(
            select(User.id, func.coalesce(User.display_name, User.username)).where(
                User.id.in_(user_ids)
            )
        )
        return {user_id: name for user_id, name in rows}


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class ActivityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        user_id: uuid.UUID,
        kind: str,
        details: dict[str, Any] | None = None,
        *,
        source: str | None = None,
    ) -> None:
        """Insert an activity; a repeated `source` records nothing (at-least-once events)."""
        await self.session.execute(
            insert(UserActivity)
            .values(user_id=user_id, kind=kind, details=details or {}, source=source)
            .on_conflict_do_nothing()
        )

    async def record_many(
        self, kind: str, activities: Sequence[tuple[uuid.UUID, dict[str, Any], str]]
    ) -> None:
        """Insert activities of one kind (user, details, source) in one statement; a
        repeated source records nothing, as in `record`."""
        if activities:
            rows = [
                {"user_id": u, "kind": kind, "details": d, "source": s} for u, d, s in activities
            ]
            await self.session.execute(insert(UserActivity).values(rows).on_conflict_do_nothing())

    async def page(
        self, user_id: uuid.UUID, *, kinds: Sequence[str] | None, before_id: int | None, limit: int
    ) -> list[UserActivity]:
        """Newest first."""
        statement = select(UserActivity).where(UserActivity.user_id == user_id)
        if kinds:
            statement = statement.where(UserActivity.kind.in_(kinds))
        if before_id is not None:
            statement = statement.where(UserActivity.id < before_id)
        statement = statement.order_by(UserActivity.id.desc()).limit(limit)
        return list((await self.session.execute(statement)).scalars())
