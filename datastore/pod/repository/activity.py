"""The pod's activity log: who did what to which entry, with old and new values."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.pod.tables import ActivityLog


class ActivityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """One multi-row INSERT (keys: user_id, session_id, action, entity_type, entity_id,
        entry_id, old_values, new_values)."""
        if rows:
            await self.session.execute(insert(ActivityLog), list(rows))

    async def seal_values_of_entry(
        self, user_id: uuid.UUID, entry_id: uuid.UUID, keys: Sequence[str], mark: str
    ) -> None:
        """Replace `keys` in the old and new values of every row of an entry with `mark`:
        what was logged while a value was plaintext must not outlive its becoming secret."""
        for column in (ActivityLog.old_values, ActivityLog.new_values):
            for key in keys:
                await self.session.execute(
                    update(ActivityLog)
                    .where(
                        ActivityLog.user_id == user_id,
                        ActivityLog.entry_id == entry_id,
                        column.has_key(key),
                    )
                    .values(
                        {
                            column: column.op("||")(
                                func.jsonb_build_object(literal(key, String), literal(mark, String))
                            )
                        }
                    )
                )

    async def page_for_user(
        self,
        user_id: uuid.UUID,
        *,
        entry_id: uuid.UUID | None,
        before_id: int | None,
        limit: int,
    ) -> tuple[list[ActivityLog], bool]:
        """Newest first."""
        statement = select(ActivityLog).where(ActivityLog.user_id == user_id)
        if entry_id is not None:
            statement = statement.where(ActivityLog.entry_id == entry_id)
        if before_id is not None:
            statement = statement.where(ActivityLog.id < before_id)
        statement = statement.order_by(ActivityLog.id.desc()).limit(limit + 1)
        rows = list((await self.session.execute(statement)).scalars())
        return rows[:limit], len(rows) > limit
