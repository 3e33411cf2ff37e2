"""Writing and claiming outbox events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.accounts.repository.users import NEXT_EVENT_SEQ
from datastore.kit.postgres import rowcount

# The sequence number is the accounts' (a column of `users`, bumped under the user's row
# lock, so a user's events get a gap-free sequence in commit order): its statement runs as
# a CTE, so an append stays one round trip.
_APPEND = text(
    f"""
    WITH next AS ({NEXT_EVENT_SEQ})
    INSERT INTO outbox (user_id, seq, topic, payload)
    SELECT :user_id, event_seq, :topic, CAST(:payload AS jsonb) FROM next
    """  # noqa: S608
)


@dataclass(frozen=True)
class PendingEvent:
    id: int
    user_id: uuid.UUID
    seq: int
    topic: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest: datetime | None  # when the oldest pending event was committed


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def append(self, user_id: uuid.UUID, topic: str, payload: dict[str, Any]) -> None:
        """Record an event in the caller's transaction; it is published only if that commits."""
        await self.session.execute(
            _APPEND,
            {"user_id": user_id, "topic": topic, "payload": orjson.dumps(payload).decode()},
        )

    async def list_pending(self, *, limit: int) -> list[PendingEvent]:
        rows = await self.session.execute(
            text(
                "SELECT id, user_id, seq, topic, payload, created_at FROM outbox "
                "WHERE published_at IS NULL ORDER BY id LIMIT :limit"
            ),
            {"limit": limit},
        )
        return [PendingEvent(*row) for row in rows]

    async def backlog(self) -> Backlog:
        """How many events wait for the relay, and since when (the partial index's rows)."""
        row = (
            await self.session.execute(
                text("SELECT count(*), min(created_at) FROM outbox WHERE published_at IS NULL")
            )
        ).one()
        return Backlog(pending=row[0], oldest=row[1])

    async def mark_published(self, ids: list[int]) -> None:
        await self.session.execute(
            text("UPDATE outbox SET published_at = now() WHERE id = ANY(:ids)"), {"ids": ids}
        )

    async def delete_published_before(self, cutoff: datetime) -> int:
        result = await self.session.execute(
            text("DELETE FROM outbox WHERE published_at < :cutoff"), {"cutoff": cutoff}
        )
        return rowcount(result)
