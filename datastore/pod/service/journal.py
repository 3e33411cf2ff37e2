"""What a write leaves behind in its transaction: activity records and outbox events."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.outbox.repository import OutboxRepository
from datastore.pod.repository.activity import ActivityRepository
from datastore.pod.service.changes import Actor
from datastore.sync.service import change_payload


class Journal:
    """Collects one transaction's activity and sync events; `flush` writes them with it."""

    def __init__(
        self, db: AsyncSession, actor: Actor, *, owner_id: uuid.UUID | None = None
    ) -> None:
        """`owner_id`: whose pod the change is in, when the actor is a sharer; their log and
        sync events get it, marked as the sharer's (`actor_id`), with no device of theirs."""
        self.db = db
        self.actor = actor
        self.owner_id = owner_id or actor.user_id
        self._by_sharer = self.owner_id != actor.user_id
        self._activity: list[dict[str, Any]] = []
        self._events: list[tuple[uuid.UUID, str, dict[str, Any]]] = []

    @property
    def _session_id(self) -> str | None:
        return None if self._by_sharer else self.actor.session_id

    def activity(
        self,
        action: str,
        entity_type: str,
        entity_id: uuid.UUID,
        *,
        kind: str | None = None,
        old: dict[str, Any] | None = None,
        new: dict[str, Any] | None = None,
    ) -> None:
        """Record an action; `kind` (an entry's) names the entity's GraphQL type."""
        self._activity.append(
            {
                "user_id": self.owner_id,
                "session_id": self._session_id,
                "action": action,
                "entity_type": entity_type,
                "node_type": node_type(entity_type, kind),
                "entity_id": entity_id,
                "entry_id": entity_id if entity_type == "ENTRY" else None,
                "old_values": old,
                "new_values": new,
                "actor_id": self.actor.user_id if self._by_sharer else None,
            }
        )

    def change(
        self,
        entity_type: str,
        entity_id: uuid.UUID,
        operation: str,
        version: int,
        *,
        kind: str | None = None,
        **extra: Any,
    ) -> None:
        """A change for the sync log: topic `pod.<entity>.<operation>`."""
        payload = change_payload(
            entity_type,
            node_type(entity_type, kind),
            entity_id,
            operation,
            version,
            self._session_id,
            **extra,
        )
        if self._by_sharer:
            payload["actorId"] = str(self.actor.user_id)
        topic = f"pod.{entity_type.lower()}.{operation.lower()}"
        self._events.append((self.owner_id, topic, payload))

    def event(self, user_id: uuid.UUID, topic: str, payload: dict[str, Any]) -> None:
        """An outbox event for any user's channel (a share's recipient), not for the log."""
        self._events.append((user_id, topic, payload))

    async def flush(self) -> None:
        await ActivityRepository(self.db).record_many(self._activity)
        outbox = OutboxRepository(self.db)
        # By user (stable, so each user's events keep their order): each append locks its
        # user's row, and two transactions locking the same users in one order cannot deadlock.
        for user_id, topic, payload in sorted(self._events, key=lambda e: str(e[0])):
            await outbox.append(user_id, topic, payload)
        self._activity.clear()
        self._events.clear()


def node_type(entity_type: str, kind: str | None) -> str:
    """'Note' for a NOTE entry, 'Category' for a category: the global id's type name."""
    return (kind or entity_type).title()


def diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys whose values differ, as (old values, new values)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}
