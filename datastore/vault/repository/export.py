"""One user's secret tags, wrapped keys and hidden entries, in id order and in batches, for
their export: ciphertext only, as the server holds it (never the OPAQUE record or lookup
hash, which are the server's means of checking a phrase, not the user's data).

The caller passes a session in one REPEATABLE READ transaction, so every batch reads the
same snapshot."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.batches import keyset_batches
from datastore.vault.tables import SecretTag, VaultEntry, VaultKey


class VaultExportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def tags(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[SecretTag]]:
        statement = select(SecretTag).where(SecretTag.user_id == user_id)
        return keyset_batches(self.session, statement, SecretTag.id)

    async def keys_by_tag_ids(
        self, tag_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[VaultKey]]:
        statement = (
            select(VaultKey)
            .where(VaultKey.tag_id.in_(tag_ids))
            .order_by(VaultKey.tag_id, VaultKey.version)
        )
        found: dict[uuid.UUID, list[VaultKey]] = {}
        for row in (await self.session.execute(statement)).scalars():
            found.setdefault(row.tag_id, []).append(row)
        return found

    def entries(self, user_id: uuid.UUID) -> AsyncIterator[Sequence[VaultEntry]]:
        statement = select(VaultEntry).where(VaultEntry.user_id == user_id)
        return keyset_batches(self.session, statement, VaultEntry.id)
