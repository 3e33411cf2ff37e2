"""Queries on `reminders`, including the scheduler's claim of due ones."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.tables import Reminder


@dataclass(frozen=True)
class ReminderFilter:
    due_before: datetime | None = None
    completed: bool | None = None


# Soonest first, the id breaking ties so pages are stable.
ReminderKey = tuple[datetime, uuid.UUID]


class ReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, user_id: uuid.UUID, values: dict[str, Any]) -> Reminder:
        statement = insert(Reminder).values(user_id=user_id, **values).returning(Reminder)
        return (await self.session.execute(statement)).scalar_one()

    async def get_for_update(self, user_id: uuid.UUID, reminder_id: uuid.UUID) -> Reminder | None:
        statement = (
            select(Reminder)
            .where(Reminder.id == reminder_id, Reminder.user_id == user_id)
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def update(self, reminder_id: uuid.UUID, values: dict[str, Any]) -> Reminder:
        statement = (
            update(Reminder)
            .where(Reminder.id == reminder_id)
            .values(**values, version=Reminder.version + 1, updated_at=func.now())
            .returning(Reminder)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def delete(self, reminder_id: uuid.UUID) -> None:
        await self.session.execute(delete(Reminder).where(Reminder.id == reminder_id))

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[Reminder]:
        rows = await self.session.execute(select(Reminder).where(Reminder.id.in_(ids)))
        return list(rows.scalars())

    async def page(
        self,
        user_id: uuid.UUID,
        reminder_filter: ReminderFilter,
        *,
        limit: int,
        after: ReminderKey | None,
    ) -> list[Reminder]:
        """Soonest first."""
        statement = select(Reminder).where(Reminder.user_id == user_id)
        f = reminder_filter
        if f.due_before is not None:
            statement = statement.where(Reminder.remind_at <= f.due_before)
        if f.completed is not None:
            statement = statement.where(Reminder.is_completed.is_(f.completed))
        if after is not None:
            statement = statement.where(tuple_(Reminder.remind_at, Reminder.id) > tuple_(*after))
        statement = statement.order_by(Reminder.remind_at, Reminder.id).limit(limit)
        return list((await self.session.execute(statement)).scalars())

    async def count_due(self, *, now: datetime) -> int:
        """Reminders due and not yet fired: the scheduler's queue."""
        statement = select(func.count()).where(
            Reminder.fire_at <= now, Reminder.is_completed.is_(False)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def claim_due(self, *, now: datetime, limit: int) -> list[Reminder]:
        """Due reminders, locked for this transaction; rows another worker holds are skipped."""
        statement = (
            select(Reminder)
            .where(Reminder.fire_at <= now, Reminder.is_completed.is_(False))
            .order_by(Reminder.fire_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(statement)).scalars())
