"""GraphQL types of search: one union of journal and pod results."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay

from resolvers.journal.types import JournalEntry


@strawberry.enum(description="How to match the query.")
class SearchMode(Enum):
    FULL_TEXT = "FULL_TEXT"
    SEMANTIC = "SEMANTIC"
    HYBRID = "HYBRID"


@strawberry.enum(description="What to search: journal entries and kinds of pod entries.")
class SearchKind(Enum):
    JOURNAL = "JOURNAL"
    NOTE = "NOTE"
    PASSWORD = "PASSWORD"
    DOCUMENT = "DOCUMENT"
    BOOKMARK = "BOOKMARK"
    TASK = "TASK"
    CONTACT = "CONTACT"


@strawberry.type(description="A journal entry matching a search.")
class JournalSearchResult:
    score: float = strawberry.field(
        description="Rank score: BM25 (FULL_TEXT), cosine of the best passage (SEMANTIC), "
        "fused strengths (HYBRID)."
    )
    snippet: str = strawberry.field(description="Matching text, terms wrapped in <mark>.")
    entry: JournalEntry = strawberry.field(description="The entry.")


@strawberry.type(description="A pod entry matching a search.")
class PodSearchResult:
    score: float = strawberry.field(
        description="Rank score: BM25 (FULL_TEXT), cosine of the best passage (SEMANTIC), "
        "fused strengths (HYBRID)."
    )
    snippet: str = strawberry.field(description="Matching text, terms wrapped in <mark>.")
    entry_id: relay.GlobalID = strawberry.field(
        description="The pod entry's global id (type name from its kind, e.g. Note)."
    )
    kind: str = strawberry.field(description="The pod entry's kind: NOTE, BOOKMARK, ...")
    title: str | None = strawberry.field(description="The pod entry's title.")


SearchResult = Annotated[
    JournalSearchResult | PodSearchResult,
    strawberry.union("SearchResult", description="A journal or pod entry matching a search."),
]
