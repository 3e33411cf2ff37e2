"""Per-user data keys: created on first use, unwrapped with the master keyring."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.crypto.keyring import MasterKeyring
from datastore.kit.crypto.sealing import new_data_key
from datastore.pod.repository.keys import DataKeyRepository


class DataKeys:
    def __init__(self, keyring: MasterKeyring) -> None:
        self.keyring = keyring

    async def for_user(self, db: AsyncSession, user_id: uuid.UUID) -> bytes:
        """The user's data key, creating (and wrapping) it on first use."""
        repository = DataKeyRepository(db)
        rows = await repository.list_by_user_ids([user_id])
        if rows:
            row = rows[0]
        else:
            key_id, wrapped = self.keyring.wrap(new_data_key())
            row = await repository.get_or_insert(user_id, key_id, wrapped)
        return self.keyring.unwrap(row.master_key_id, row.wrapped_key)

    async def for_users(self, db: AsyncSession, user_ids: Sequence[uuid.UUID]) -> dict:
        """Existing data keys of several users in one query (users without one are absent)."""
        rows = await DataKeyRepository(db).list_by_user_ids(user_ids)
        return {r.user_id: self.keyring.unwrap(r.master_key_id, r.wrapped_key) for r in rows}
