"""How the journal reads the pod's `entries` table, which another domain owns.

The pod may not be migrated yet, and its column names are its own: the shape is read from
`information_schema` (cached briefly) and every pod query degrades to "no pod results" when
the table or a needed column is missing. Assumed: `id`, `user_id`, `kind` (NOTE, ...),
`title`, a body column (`body`, `content`, `text` or `description`); optional: a stored
tsvector (`search_vector`, `tsv`, `search`), `status` ('DELETED' is hidden), `expires_at`,
`deleted_at`, a sensitivity flag (`is_sensitive`, `sensitive`, `is_encrypted`, `encrypted`;
flagged rows are neither embedded nor shown by semantic search), and `updated_at`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

CACHE_SECONDS = 30.0
EMBEDDED_KINDS = ("NOTE",)
_BODY = ("body", "content", "text", "description")
_TSV = ("search_vector", "tsv", "search", "document")
_SENSITIVE = ("is_sensitive", "sensitive", "is_encrypted", "encrypted")


@dataclass(frozen=True)
class PodShape:
    body: str
    tsvector: str | None
    status: bool
    expires_at: bool
    deleted_at: bool
    sensitive: str | None
    updated_at: bool

    def text_sql(self, alias: str = "p") -> str:
        return f"coalesce({alias}.title, '') || E'\\n' || coalesce({alias}.{self.body}::text, '')"

    def vector_sql(self, alias: str = "p") -> str:
        if self.tsvector:
            return f"{alias}.{self.tsvector}"
        return f"to_tsvector('english', {self.text_sql(alias)})"

    def visible_sql(self, alias: str = "p") -> str:
        """Rows a search may show: live and not trashed."""
        parts = ["true"]
        if self.status:
            parts.append(f"upper({alias}.status::text) <> 'DELETED'")
        if self.expires_at:
            parts.append(f"({alias}.expires_at IS NULL OR {alias}.expires_at > now())")
        if self.deleted_at:
            parts.append(f"{alias}.deleted_at IS NULL")
        return " AND ".join(parts)

    def embeddable_sql(self, alias: str = "p") -> str:
        """Rows whose text may be embedded: visible notes that are not sensitive."""
        kinds = ", ".join(f"'{k}'" for k in EMBEDDED_KINDS)
        parts = [self.visible_sql(alias), f"upper({alias}.kind::text) IN ({kinds})"]
        if self.sensitive:
            parts.append(f"NOT coalesce({alias}.{self.sensitive}, false)")
        return " AND ".join(parts)


_cached: tuple[float, PodShape | None] = (0.0, None)


async def pod_shape(session: AsyncSession) -> PodShape | None:
    """The pod table's shape, or None while it does not exist (or lacks what we need)."""
    global _cached
    checked_at, shape = _cached
    if time.monotonic() - checked_at < CACHE_SECONDS:
        return shape
    rows = await session.execute(
        text(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'entries'"
        )
    )
    columns = set(rows.scalars())
    shape = _shape(columns)
    _cached = (time.monotonic(), shape)
    return shape


def _shape(columns: set[str]) -> PodShape | None:
    body = next((c for c in _BODY if c in columns), None)
    if not {"id", "user_id", "kind", "title"} <= columns or body is None:
        return None
    return PodShape(
        body=body,
        tsvector=next((c for c in _TSV if c in columns), None),
        status="status" in columns,
        expires_at="expires_at" in columns,
        deleted_at="deleted_at" in columns,
        sensitive=next((c for c in _SENSITIVE if c in columns), None),
        updated_at="updated_at" in columns,
    )


def forget_pod_shape() -> None:
    """Re-read the shape on next use (tests that create the table)."""
    global _cached
    _cached = (0.0, None)
