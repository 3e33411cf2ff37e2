"""Pod queries: entries, search, categories, tags, activity and settings."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from datastore.pod import validation
from datastore.pod.repository.preferences import DEFAULT_LANGUAGE
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid
from resolvers.core.lookahead import selects
from resolvers.core.pagination import (
    BIGINT_PATTERN,
    After,
    Connection,
    First,
    decode_after,
    decode_cursor,
    encode_cursor,
    list_page,
    name_and_id,
    page_limit,
)
from resolvers.core.permissions import IsAuthenticated
from resolvers.pod import filters
from resolvers.pod.enums import SearchLanguage
from resolvers.pod.inputs import EntryFilter, EntrySort
from resolvers.pod.types.activity import ActivityEvent, PodSettings, SearchHit
from resolvers.pod.types.categories import Category, CategoryTreeNode
from resolvers.pod.types.entries import KIND_TYPES, Entry
from resolvers.pod.types.tags import Tag

_FILTER = strawberry.argument(description="Conditions, combined with AND.")
_ENTRY_TYPE_NAMES = tuple(t.__name__ for t in KIND_TYPES.values())


@strawberry.type
class PodQueries:
    @strawberry.field(
        description="One of my entries by global id; null if it is not mine, missing or expired.",
        permission_classes=[IsAuthenticated],
    )
    async def entry(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The entry's id.")],
    ) -> Entry | None:
        argument_uuid(id, _ENTRY_TYPE_NAMES, field="id")  # an entry's id, or BAD_USER_INPUT
        entry_type = next(t for t in KIND_TYPES.values() if t.__name__ == id.type_name)
        return (await entry_type.resolve_nodes(info=info, node_ids=[id.node_id]))[0]

    @strawberry.field(
        description="My entries, newest first by default; trash only when filtered by "
        "status DELETED. Keyset pages: stable while entries are added.",
        permission_classes=[IsAuthenticated],
    )
    async def entries(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: Annotated[EntryFilter | None, _FILTER] = None,
        sort: Annotated[
            EntrySort | None, strawberry.argument(description="Order; created, newest first.")
        ] = None,
    ) -> Connection[Entry]:
        principal = info.context.require_principal()
        limit = page_limit(info, first)
        order = filters.entry_sort(sort)
        items, has_next = await info.context.services.pod.reads.entries(
            principal.user_id,
            filters.entry_filter(filter),
            order,
            after=filters.entry_page_key(order, after),
            limit=limit,
            with_tags=selects(info, "edges", "node", "tags"),
        )
        # Tags read with the page: the entries' `tags` find them loaded.
        tags = info.context.loaders.pod.tags_by_entry_id
        for item in items:
            if item.tags is not None:
                tags.prime(item.entry.id, item.tags)
        return Connection.build(
            items,
            node=lambda i: Entry.from_row(i.entry),
            cursor=lambda i: filters.entry_cursor(order, i.sort_value, i.entry.id),
            has_next=has_next,
            has_previous=after is not None,
        )

    @strawberry.field(
        description="Full-text search of my entries, best match first. Web-search syntax: "
        '"quoted phrases", OR, -excluded; the last word also matches as a prefix.',
        permission_classes=[IsAuthenticated],
    )
    async def search_entries(
        self,
        info: Info,
        query: Annotated[str, strawberry.argument(description="What to look for.")],
        first: First = None,
        after: After = None,
        filter: Annotated[EntryFilter | None, _FILTER] = None,
        prefix: Annotated[
            bool,
            strawberry.argument(description="Match the last word as a prefix (as you type)."),
        ] = True,
    ) -> Connection[SearchHit]:
        principal = info.context.require_principal()
        items, has_next = await info.context.services.pod.reads.search(
            principal.user_id,
            validation.search_query(query),
            filters.entry_filter(filter),
            prefix=prefix,
            after=filters.search_page_key(after),
            limit=page_limit(info, first),
        )
        return Connection.build(
            items,
            node=lambda i: SearchHit(
                entry=Entry.from_row(i.entry), rank=i.rank, snippet=i.snippet or ""
            ),
            cursor=lambda i: filters.search_cursor(i.rank, i.entry.id),
            has_next=has_next,
            has_previous=after is not None,
        )

    @strawberry.field(
        description="My categories as a tree with entry counts, in one round trip.",
        permission_classes=[IsAuthenticated],
    )
    async def category_tree(self, info: Info) -> list[CategoryTreeNode]:
        principal = info.context.require_principal()
        roots = await info.context.services.pod.reads.category_tree(principal.user_id)
        return [CategoryTreeNode.from_dict(root) for root in roots]

    @strawberry.field(
        description="My categories, alphabetically.", permission_classes=[IsAuthenticated]
    )
    async def categories(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Category]:
        principal = info.context.require_principal()
        limit = page_limit(info, first)
        key = decode_after(
            "cat",
            after,
            pattern=r"(?s).*\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            parse=name_and_id,
        )
        rows, has_next = await info.context.services.pod.reads.categories(
            principal.user_id, after=key, limit=limit
        )
        return Connection.build(
            rows,
            node=Category.from_row,
            cursor=lambda r: encode_cursor("cat", f"{r.name.lower()}|{r.id}"),
            has_next=has_next,
            has_previous=after is not None,
        )

    @strawberry.field(description="My tags, by slug.", permission_classes=[IsAuthenticated])
    async def tags(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        slug_prefix: Annotated[
            str | None, strawberry.argument(description="Only slugs starting with this.")
        ] = None,
    ) -> Connection[Tag]:
        principal = info.context.require_principal()
        start = decode_cursor("tag", after, pattern=r"[a-z0-9-]+") if after else None
        rows, has_next = await info.context.services.pod.reads.tags(
            principal.user_id, slug_prefix=slug_prefix, after=start, limit=page_limit(info, first)
        )
        return Connection.build(
            rows,
            node=Tag.from_row,
            cursor=lambda r: encode_cursor("tag", r.slug),
            has_next=has_next,
            has_previous=after is not None,
        )

    @strawberry.field(
        description="My tags whose name loosely matches `query` (typos and prefixes allowed: "
        '"excercise" finds Exercise), best match first.',
        permission_classes=[IsAuthenticated],
    )
    async def search_tags(
        self,
        info: Info,
        query: Annotated[str, strawberry.argument(description="A name or part, 1-64 chars.")],
        first: First = None,
        after: After = None,
    ) -> Connection[Tag]:
        principal = info.context.require_principal()
        rows = await info.context.services.pod.reads.search_tags(principal.user_id, query)
        return list_page(rows, kind="podtagsearch", node=Tag.from_row, first=first, after=after)

    @strawberry.field(
        description="My pod's activity, newest first; optionally for one entry.",
        permission_classes=[IsAuthenticated],
    )
    async def activity(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        entry_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Only this entry's.")
        ] = None,
    ) -> Connection[ActivityEvent]:
        principal = info.context.require_principal()
        entry = argument_uuid(entry_id, _ENTRY_TYPE_NAMES, field="entryId") if entry_id else None
        before = int(decode_cursor("act", after, pattern=BIGINT_PATTERN)) if after else None
        rows, has_next = await info.context.services.pod.reads.activity(
            principal.user_id, entry_id=entry, before_id=before, limit=page_limit(info, first)
        )
        return Connection.build(
            rows,
            node=ActivityEvent.from_row,
            cursor=lambda r: encode_cursor("act", r.id),
            has_next=has_next,
            has_previous=after is not None,
        )

    @strawberry.field(description="My pod's settings.", permission_classes=[IsAuthenticated])
    async def pod_settings(self, info: Info) -> PodSettings:
        principal = info.context.require_principal()
        row = await info.context.loaders.pod.preferences_by_user_id.load(principal.user_id)
        return PodSettings(
            search_language=SearchLanguage(row.search_language if row else DEFAULT_LANGUAGE)
        )
