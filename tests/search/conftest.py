"""Search test helpers: wait until entries are embedded by the background job."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import text

from tests.journal.conftest import create_entry, eventually, fast_workers, journal

__all__ = ["create_entry", "embedded", "fast_workers", "journal"]


def db_id(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


async def embedded(server: Any, global_ids: list[str]) -> None:
    """Wait until every entry has its vector."""
    ids = [db_id(i) for i in global_ids]

    async def done() -> bool:
        async with server.services.clients.db() as session:
            count = await session.execute(
                text("SELECT count(*) FROM embeddings WHERE entry_id::text = ANY(:ids)"),
                {"ids": ids},
            )
            return count.scalar_one() == len(ids)

    await eventually(done, timeout=120)
