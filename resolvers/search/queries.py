"""The unified search over my journal and pod."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from datastore.search.hits import JOURNAL, Hit
from resolvers.core.context import Info
from resolvers.core.nodes import owned
from resolvers.core.pagination import (
    After,
    Connection,
    First,
    offset_after,
    offset_cursor,
    page_limit,
)
from resolvers.core.permissions import IsAuthenticated
from resolvers.journal.types import JournalEntry
from resolvers.search.types import (
    JournalSearchResult,
    PodSearchResult,
    SearchKind,
    SearchMode,
    SearchResult,
)


@strawberry.type
class SearchQueries:
    @strawberry.field(
        description="Search my journal entries and pod entries, best first. FULL_TEXT ranks "
        "by how many and which words match (any may; BM25, titles count more, misspelt words "
        'matched to ones I wrote), "quoted phrases" must match and -word excludes; SEMANTIC '
        "matches meaning, passage by passage; HYBRID fuses both, each side above a floor.",
        permission_classes=[IsAuthenticated],
    )
    async def search(
        self,
        info: Info,
        query: Annotated[str, strawberry.argument(description="What to look for.")],
        mode: Annotated[
            SearchMode, strawberry.argument(description="How to match; FULL_TEXT by default.")
        ] = SearchMode.FULL_TEXT,
        kinds: Annotated[
            list[SearchKind] | None,
            strawberry.argument(description="What to search; everything when omitted."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[SearchResult]:
        user_id = info.context.require_principal().user_id
        limit = page_limit(info, first)
        offset = offset_after("search", after)
        wanted = [k.value for k in kinds] if kinds else [k.value for k in SearchKind]
        hits, has_next = await info.context.services.search.search(
            user_id, query, mode=mode.value, kinds=wanted, limit=limit, offset=offset
        )
        loader = info.context.loaders.journal.entry_by_id
        rows = await loader.load_many([h.id for h in hits if h.source == JOURNAL])
        entries = {mine.id: mine for row in rows if (mine := owned(row, user_id))}
        results = [
            (offset + n, result)
            for n, hit in enumerate(hits)
            if (result := _result(hit, entries)) is not None
        ]
        return Connection.build(
            results,
            node=lambda pair: pair[1],
            cursor=lambda pair: offset_cursor("search", pair[0]),
            has_next=has_next,
            has_previous=offset > 0,
        )


def _result(hit: Hit, entries: dict) -> JournalSearchResult | PodSearchResult | None:
    score = round(hit.score, 6)
    if hit.source == JOURNAL:
        row = entries.get(hit.id)
        if row is None:
            return None
        return JournalSearchResult(
            score=score, snippet=hit.snippet, entry=JournalEntry.from_row(row)
        )
    return PodSearchResult(
        score=score,
        snippet=hit.snippet,
        entry_id=relay.GlobalID(hit.kind.capitalize(), str(hit.id)),
        kind=hit.kind,
        title=hit.title,
    )
