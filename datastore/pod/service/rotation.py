"""Re-wrapping every user's data key with a new master key, in batches, resumably."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.crypto.keyring import MasterKeyring
from datastore.pod.repository.keys import DataKeyRepository

BATCH_SIZE = 200


async def rotate_master_key(
    db: async_sessionmaker[AsyncSession],
    keyring: MasterKeyring,
    *,
    progress: Callable[[int, int], None] = lambda done, total: None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Re-wrap every data key not under `keyring`'s current key; how many were re-wrapped.

    Each batch commits on its own, so servers keep reading and writing throughout (they
    unwrap with either key, see datastore/kit/crypto/__init__.py) and an interrupted run resumes
    where it stopped. The data keys themselves never change, so no secret is re-encrypted.
    """
    async with db() as session:
        total = await DataKeyRepository(session).count_not_wrapped_by(keyring.current_id)
    done = 0
    progress(done, total)
    while True:
        async with db() as session, session.begin():
            repository = DataKeyRepository(session)
            rows = await repository.lock_batch_not_wrapped_by(keyring.current_id, limit=batch_size)
            if not rows:
                return done
            for row in rows:
                data_key = keyring.unwrap(row.master_key_id, row.wrapped_key)
                key_id, wrapped = keyring.wrap(data_key)
                await repository.rewrap(row.user_id, key_id, wrapped)
        done += len(rows)
        progress(done, max(total, done))
