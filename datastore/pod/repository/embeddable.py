"""The pod notes whose text may be embedded, for the journal's AI worker and the assistant.

Which entries may leave the pod as vectors is the pod's rule: `kind` and `status` are
upper-case and constrained, and `sensitive` rows are neither embedded nor shown by
semantic search. These fragments (over alias `p`) are the only place those columns are
named outside the pod's own queries.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Rows a search may show: live and not trashed.
VISIBLE = "p.status <> 'DELETED' AND (p.expires_at IS NULL OR p.expires_at > now())"
# Rows whose text may be embedded: visible notes that are not sensitive.
EMBEDDABLE = f"{VISIBLE} AND p.kind = 'NOTE' AND NOT p.sensitive"

# Every user's embeddable notes with their last edit (`id`, `user_id`, `updated_at`), as a
# subquery: the AI worker's sweep joins it with the vectors it holds in one statement, so
# it never pulls every note into Python to compare.
EMBEDDABLE_NOTES = f"SELECT p.id, p.user_id, p.updated_at FROM entries p WHERE {EMBEDDABLE}"  # noqa: S608

_BY_IDS = text(
    "SELECT p.id, p.user_id, p.title, p.body FROM entries p "  # noqa: S608
    f"WHERE p.id = ANY(:ids) AND {EMBEDDABLE}"
)
_TEXTS = text(
    "SELECT p.id, p.title, p.body FROM entries p "  # noqa: S608
    f"WHERE p.id = ANY(:ids) AND p.user_id = :u AND {EMBEDDABLE}"
)


@dataclass(frozen=True)
class EmbeddableNote:
    id: uuid.UUID
    user_id: uuid.UUID
    title: str
    body: str | None


class EmbeddableNoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[EmbeddableNote]:
        """Those of `ids` that may be embedded now, whoever owns them (the worker's jobs)."""
        rows = await self.session.execute(_BY_IDS, {"ids": list(ids)})
        return [EmbeddableNote(*row) for row in rows]

    async def texts_by_ids(
        self, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[str, str | None]]:
        """Title and body of those of `ids` that are the user's and may be embedded."""
        rows = await self.session.execute(_TEXTS, {"ids": list(ids), "u": user_id})
        return {row[0]: (row[1], row[2]) for row in rows}
