"""Reading a large result in keyset batches, so no query holds a whole table in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

BATCH = 500


async def keyset_batches(
    session: AsyncSession, statement: Select[Any], key: Any, *, size: int = BATCH
) -> AsyncIterator[Sequence[Any]]:
    """The rows of `statement` in order of the unique column `key`, `size` at a time (keyset,
    not OFFSET). In a REPEATABLE READ transaction every batch reads the same snapshot."""
    after = None
    while True:
        page = statement if after is None else statement.where(key > after)
        rows = list((await session.execute(page.order_by(key).limit(size))).scalars())
        if rows:
            yield rows
        if len(rows) < size:
            return
        after = getattr(rows[-1], key.key)
