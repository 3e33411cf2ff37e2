"""Reading secrets: decrypt a batch of entries and record each view in the activity log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.crypto.sealing import open_sealed
from datastore.kit.loaders import SelfLoader
from datastore.pod.repository.activity import ActivityRepository
from datastore.pod.service.datakeys import DataKeys


@dataclass(frozen=True)
class SecretRequest:
    entry_id: uuid.UUID
    kind: str
    user_id: uuid.UUID
    session_id: str | None
    sealed: bytes
    # A sharer reading the owner's (`user_id`'s) secret: recorded as theirs, no session.
    actor_id: uuid.UUID | None = None


class SecretLoader(SelfLoader[SecretRequest, dict[str, Any]]):
    """A page of secrets costs two statements (keys, then one activity INSERT)."""

    def __init__(self, db: async_sessionmaker[AsyncSession], keys: DataKeys) -> None:
        super().__init__()
        self.db = db
        self.keys = keys

    async def _load(self, requests: Sequence[SecretRequest]) -> list[dict[str, Any]]:
        async with self.db() as db, db.begin():
            keys = await self.keys.for_users(db, list({r.user_id for r in requests}))
            opened = [open_sealed(keys[r.user_id], r.sealed) for r in requests]
            await ActivityRepository(db).record_many(
                [
                    {
                        "user_id": r.user_id,
                        "session_id": None if r.actor_id else r.session_id,
                        "action": "SECRET_VIEWED",
                        "entity_type": "ENTRY",
                        "node_type": r.kind.title(),
                        "entity_id": r.entry_id,
                        "entry_id": r.entry_id,
                        "old_values": None,
                        "new_values": {"fields": sorted(values)},
                        "actor_id": r.actor_id,
                    }
                    for r, values in zip(requests, opened, strict=True)
                ]
            )
        return opened
