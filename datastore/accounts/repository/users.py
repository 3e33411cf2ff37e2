"""Queries on `users`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.accounts.tables import User
from datastore.kit.group_commit import GroupCommit, Outcomes
from datastore.kit.postgres import rowcount
from datastore.kit.raw_reads import RawReads, Record, in_array

# Built once: the per-request user loader runs it on nearly every request.
_USERS_BY_IDS = select(User.__table__).where(in_array(User.__table__.c.id, "ids"))

# The user's next event number (`event_seq`). Bumping it takes the user's row lock, so a
# user's events get a gap-free sequence in commit order; the outbox runs it as a CTE of
# its append, in one round trip.
NEXT_EVENT_SEQ = (
    "UPDATE users SET event_seq = event_seq + 1 WHERE id = :user_id RETURNING event_seq"
)


def active_user_ids() -> Select[uuid.UUID]:
    """The ids of ACTIVE accounts, to use as a subquery: others reach only what an active
    account shares (a deactivated one's, or one being deleted, wait or go with it)."""
    return select(User.id).where(User.account_state == "ACTIVE")


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self, *, email: str, username: str, password_hash: str, display_name: str | None
    ) -> User | None:
        """Insert a user; None when the email or username is taken (case-insensitively)."""
        statement = (
            insert(User)
            .values(
                email=email,
                username=username,
                password_hash=password_hash,
                display_name=display_name,
            )
            .on_conflict_do_nothing()
            .returning(User)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def email_or_username_taken(self, email: str, username: str) -> tuple[bool, bool]:
        rows = await self.session.execute(
            select(func.lower(User.email), func.lower(User.username)).where(
                or_(
                    func.lower(User.email) == email.lower(),
                    func.lower(User.username) == username.lower(),
                )
            )
        )
        found = rows.all()
        return (
            any(e == email.lower() for e, _ in found),
            any(u == username.lower() for _, u in found),
        )

    async def get_by_login(self, login: str) -> User | None:
        """The user whose email or username is `login`, ignoring case."""
        column = User.email if "@" in login else User.username
        return (
            await self.session.execute(select(User).where(func.lower(column) == login.lower()))
        ).scalar_one_or_none()

    async def get_by_id(self, user_id: uuid.UUID) -> User | None:
        statement = select(User).where(User.id == user_id)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def list_by_ids(self, user_ids: Sequence[uuid.UUID]) -> list[User]:
        rows = await self.session.execute(select(User).where(User.id.in_(user_ids)))
        return list(rows.scalars())

    async def update_fields(self, user_id: uuid.UUID, **values: Any) -> User:
        statement = (
            update(User)
            .where(User.id == user_id)
            .values(**values, updated_at=func.now())
            .returning(User)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def touch_last_seen(self, user_id: uuid.UUID) -> None:
        await self.session.execute(
            update(User).where(User.id == user_id).values(last_seen_at=func.now())
        )

    async def leave_active(
        self, user_id: uuid.UUID, *, state: str, delete_after: datetime | None
    ) -> bool:
        """ACTIVE to `state` (DEACTIVATED or PENDING_DELETION); False when not ACTIVE."""
        result = await self.session.execute(
            update(User)
            .where(User.id == user_id, User.account_state == "ACTIVE")
            .values(
                account_state=state,
                deactivated_at=func.now(),
                delete_after=delete_after,
                updated_at=func.now(),
            )
        )
        return rowcount(result) == 1

    async def leave_state(self, user_id: uuid.UUID, state: str) -> User | None:
        """Back to ACTIVE from `state`; a pending deletion only before `delete_after`."""
        statement = update(User).where(User.id == user_id, User.account_state == state)
        if state == "PENDING_DELETION":
            statement = statement.where(User.delete_after > func.now())
        statement = statement.values(
            account_state="ACTIVE",
            deactivated_at=None,
            delete_after=None,
            updated_at=func.now(),
        ).returning(User)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def touch_last_login(self, user_id: uuid.UUID) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(last_login_at=func.now(), last_seen_at=func.now())
        )

    async def schedule_deletion(self, user_id: uuid.UUID, delete_after: datetime) -> bool:
        """An operator's deletion: any state but PURGING becomes PENDING_DELETION."""
        result = await self.session.execute(
            update(User)
            .where(User.id == user_id, User.account_state != "PURGING")
            .values(
                account_state="PENDING_DELETION",
                deactivated_at=func.coalesce(User.deactivated_at, func.now()),
                delete_after=delete_after,
                updated_at=func.now(),
            )
        )
        return rowcount(result) == 1

    async def claim_due_deletion(
        self, *, lease_seconds: int, user_id: uuid.UUID | None = None
    ) -> uuid.UUID | None:
        """One account whose grace period ended (or whose purge lease lapsed), now PURGING
        under a lease; SKIP LOCKED, so concurrent workers take different accounts."""
        due = or_(
            and_(User.account_state == "PENDING_DELETION", User.delete_after <= func.now()),
            and_(User.account_state == "PURGING", User.purge_lease_until < func.now()),
        )
        candidate = select(User.id).where(due)
        if user_id is not None:
            candidate = candidate.where(User.id == user_id)
        candidate = candidate.order_by(User.delete_after).limit(1).with_for_update(skip_locked=True)
        statement = (
            update(User)
            .where(User.id == candidate.scalar_subquery())
            .values(
                account_state="PURGING",
                purge_lease_until=func.now() + timedelta(seconds=lease_seconds),
            )
            .returning(User.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def extend_purge_lease(self, user_id: uuid.UUID, *, lease_seconds: int) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id, User.account_state == "PURGING")
            .values(purge_lease_until=func.now() + timedelta(seconds=lease_seconds))
        )


class UserRows:
    """Users' rows for all the requests of this process at once, as records: read by
    attribute like ORM rows, without the identity map and instance state (the `me`
    profile spent most of its SQLAlchemy time there).

    Nearly every request reads its viewer's row; concurrent requests' reads go together
    as one statement (group commit: a lone read goes at once, reads arriving while one is
    in flight share the next), so under load one round trip serves many requests. Each
    caller gets only the rows it asked for, read after it asked.
    """

    def __init__(self, reads: RawReads, *, most: int = 500) -> None:
        self.reads = reads
        self._grouped = GroupCommit[tuple[uuid.UUID, ...], list[Record]](self._read, most=most)

    async def by_ids(self, user_ids: Sequence[uuid.UUID]) -> list[Record]:
        return await self._grouped(tuple(user_ids))

    async def _read(self, asked: list[tuple[uuid.UUID, ...]]) -> Outcomes[list[Record]]:
        wanted = list({user_id for ids in asked for user_id in ids})
        found = {row.id: row for row in await self.reads.fetch(_USERS_BY_IDS, {"ids": wanted})}
        return [[found[user_id] for user_id in ids if user_id in found] for ids in asked]
