"""The pod's reads: entry pages, search pages and the category tree behind the Redis cache;
categories, tags and the activity log straight from PostgreSQL."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.fuzzy import named_like, search_text
from datastore.kit.raw_reads import RawReads
from datastore.pod.cache import PodCache
from datastore.pod.repository import pages
from datastore.pod.repository.activity import ActivityRepository
from datastore.pod.repository.categories import CategoryRepository
from datastore.pod.repository.tags import TagRepository
from datastore.pod.rows import (
    EntryData,
    TagRecord,
    entry_from_json,
    entry_to_json,
    tag_from_json,
    tag_to_json,
)
from datastore.pod.tables import ActivityLog, Tag
from datastore.pod.validation import MAX_TAG_NAME


@dataclass(frozen=True, slots=True)
class ListedEntry:
    entry: EntryData  # a record from the page read or the cache; an ORM row from search
    sort_value: str  # the sort key as text, for the cursor
    rank: float = 0.0
    snippet: str | None = None
    tags: list[TagRecord] | None = None  # by slug, read with the page when asked for


def _digest(*parts: Any) -> str:
    return hashlib.sha256(orjson.dumps(parts, default=str)).hexdigest()[:32]


def _sort_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _expired(listed: list[ListedEntry]) -> bool:
    now = datetime.now(UTC)
    return any(i.entry.expires_at is not None and i.entry.expires_at <= now for i in listed)


class PodReads:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        read_db: async_sessionmaker[AsyncSession],
        raw_reads: RawReads,
        cache: PodCache,
        *,
        enabled: bool,
    ) -> None:
        self.db = db
        # One-statement reads (pages): autocommit spares BEGIN and ROLLBACK.
        self.read_db = read_db
        self.raw_reads = raw_reads
        self.cache = cache
        self.enabled = enabled
        # Users whose Inbox exists: the idempotent insert then runs once per process.
        self._has_inbox: set[uuid.UUID] = set()

    async def _cached(
        self,
        user_id: uuid.UUID,
        name: str,
        load: Callable[[], Any],
        *,
        encode: Callable[[Any], Any],
        decode: Callable[[Any], Any],
        fresh: Callable[[Any], bool] = lambda _value: True,
    ) -> Any:
        """The cached value of `name`, or `load()` stored under the generation seen first."""
        if not self.enabled:
            return await load()
        generation, cached = await self.cache.get(user_id, name)
        if cached is not None:
            try:
                value = decode(cached)
            except (ValueError, KeyError, TypeError):
                value = None  # written by an older version: a miss, overwritten below
            if value is not None and fresh(value):
                return value
        value = await load()
        await self.cache.put(user_id, name, generation, encode(value))
        return value

    async def _cached_page(
        self,
        user_id: uuid.UUID,
        name: str,
        load: Callable[[], Awaitable[tuple[list[ListedEntry], bool]]],
    ) -> tuple[list[ListedEntry], bool]:
        """A cached page of listed entries; a page holding an expired entry is reloaded."""
        return await self._cached(
            user_id,
            name,
            load,
            encode=_encode_page,
            decode=_decode_page,
            fresh=lambda page: not _expired(page[0]),
        )

    async def entries(
        self,
        user_id: uuid.UUID,
        filters: pages.EntryFilter,
        sort: pages.EntrySort,
        *,
        after: pages.PageKey | None,
        limit: int,
        with_tags: bool = False,
    ) -> tuple[list[ListedEntry], bool]:
        """A page of entries; `with_tags` reads their tags in the same statement (and
        caches the page with them: tag changes invalidate the user's pages too)."""

        async def load() -> tuple[list[ListedEntry], bool]:
            rows, has_next = await pages.list_page(
                self.raw_reads,
                user_id,
                filters,
                sort,
                after=after,
                limit=limit,
                with_tags=with_tags,
            )
            listed = [ListedEntry(r.entry, _sort_text(r.sort_value), tags=r.tags) for r in rows]
            return listed, has_next

        name = "entries:" + _digest(filters, sort, after, limit) + (":tags" if with_tags else "")
        return await self._cached_page(user_id, name, load)

    async def search(
        self,
        user_id: uuid.UUID,
        query: str,
        filters: pages.EntryFilter,
        *,
        prefix: bool,
        after: pages.PageKey | None,
        limit: int,
    ) -> tuple[list[ListedEntry], bool]:
        async def load() -> tuple[list[ListedEntry], bool]:
            async with self.read_db() as db:
                hits, has_next = await pages.search_page(
                    db, user_id, query, filters, prefix=prefix, after=after, limit=limit
                )
            listed = [ListedEntry(h.entry, repr(h.rank), h.rank, h.snippet) for h in hits]
            return listed, has_next

        name = "search:" + _digest(query, filters, prefix, after, limit)
        return await self._cached_page(user_id, name, load)

    async def ensure_inbox(self, db: AsyncSession, user_id: uuid.UUID) -> None:
        """System categories exist from a user's first pod read (once per process)."""
        if user_id not in self._has_inbox:
            await CategoryRepository(db).ensure_inbox(user_id)
            await db.commit()
            self._has_inbox.add(user_id)

    async def categories(
        self, user_id: uuid.UUID, *, after: tuple[str, uuid.UUID] | None, limit: int
    ) -> tuple[list[Any], bool]:
        async with self.db() as db:
            await self.ensure_inbox(db, user_id)
            return await CategoryRepository(db).page(user_id, after=after, limit=limit)

    async def category_tree(self, user_id: uuid.UUID) -> list[dict[str, Any]]:
        """Root categories, each with `children`, `entryCount` and `totalEntryCount`."""

        async def load() -> list[dict[str, Any]]:
            async with self.db() as db:
                await self.ensure_inbox(db, user_id)
                rows = await CategoryRepository(db).tree(user_id)
            return _nest(rows)

        return await self._cached(user_id, "tree", load, encode=lambda v: v, decode=lambda v: v)

    async def tags(
        self, user_id: uuid.UUID, *, slug_prefix: str | None, after: str | None, limit: int
    ) -> tuple[list[Tag], bool]:
        """My tags by slug, optionally only those starting with `slug_prefix`."""
        async with self.db() as db:
            return await TagRepository(db).page(
                user_id, slug_prefix=slug_prefix, after=after, limit=limit
            )

    async def search_tags(self, user_id: uuid.UUID, query: str) -> list[Tag]:
        """My tags whose name matches `query` loosely (typos, a prefix), best first."""
        query = search_text(query, limit=MAX_TAG_NAME)
        async with self.db() as db:
            rows = await TagRepository(db).named_like(user_id, query)
        return named_like(query, rows, name=lambda tag: tag.name)

    async def activity(
        self, user_id: uuid.UUID, *, entry_id: uuid.UUID | None, before_id: int | None, limit: int
    ) -> tuple[list[ActivityLog], bool]:
        """My pod's activity log, newest first; only one entry's when `entry_id` is given."""
        async with self.db() as db:
            return await ActivityRepository(db).page_for_user(
                user_id, entry_id=entry_id, before_id=before_id, limit=limit
            )


def _encode_page(page: tuple[list[ListedEntry], bool]) -> dict[str, Any]:
    items, has_next = page
    return {
        "items": [
            {
                "e": entry_to_json(i.entry),
                "s": i.sort_value,
                "r": i.rank,
                "h": i.snippet,
                "t": [tag_to_json(t) for t in i.tags] if i.tags is not None else None,
            }
            for i in items
        ],
        "next": has_next,
    }


def _decode_page(value: dict[str, Any]) -> tuple[list[ListedEntry], bool]:
    items = [
        ListedEntry(entry_from_json(i["e"]), i["s"], i["r"], i["h"], _tags_from_json(i.get("t")))
        for i in value["items"]
    ]
    return items, value["next"]


def _tags_from_json(values: list[Any] | None) -> list[TagRecord] | None:
    return [tag_from_json(v) for v in values] if values is not None else None


def _nest(rows: list[Any]) -> list[dict[str, Any]]:
    """Parent-before-child rows (ordered by depth) to nested, JSON-safe dicts."""
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for row in rows:
        node = {k: _json_value(v) for k, v in row.category.items()}
        node.update(entryCount=row.entry_count, totalEntryCount=row.entry_count, children=[])
        nodes[node["id"]] = node
        parent = nodes.get(node["parent_id"]) if node["parent_id"] else None
        (parent["children"] if parent else roots).append(node)
    # Deepest first (the reverse of the rows' depth order): a child's total is complete
    # before it is added to its parent's.
    for node in reversed(nodes.values()):
        if node["parent_id"] in nodes:
            nodes[node["parent_id"]]["totalEntryCount"] += node["totalEntryCount"]
    return roots


def _json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
