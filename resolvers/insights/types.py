"""GraphQL types of insights."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from datastore.insights import found
from datastore.insights.tables import PsychologyInsight as InsightRow
from resolvers.core.context import Info
from resolvers.core.nodes import Nodes, owned, owned_nodes
from resolvers.core.pagination import After, Connection, First, list_page
from resolvers.core.rows import from_row
from resolvers.journal.types import JournalEntry, JournalTag, Topic


@strawberry.enum(description="The width of a trend bucket.")
class TrendBucket(Enum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@strawberry.type(description="My mood over one bucket of days (entries with a mood only).")
class MoodBucket:
    start: date = strawberry.field(description="First day of the bucket (weeks start Monday).")
    average: float = strawberry.field(description="Average mood, 1-10.")
    standard_deviation: float = strawberry.field(description="Population standard deviation.")
    count: int = strawberry.field(description="Entries with a mood in the bucket.")


@strawberry.type(
    description='Runs of consecutive days on which I wrote ("today" is in my time zone; days'
    " ahead of today do not count)."
)
class WritingStreaks:
    current: int = strawberry.field(description="Days in the run ending today or yesterday.")
    current_start: date | None = strawberry.field(description="First day of that run.")
    longest: int = strawberry.field(description="Days in my longest run.")
    longest_start: date | None = strawberry.field(description="First day of the longest run.")
    longest_end: date | None = strawberry.field(description="Last day of the longest run.")
    days_written: int = strawberry.field(description="Distinct days up to today with an entry.")


@strawberry.type(description="My average mood on entries with a tag.")
class TagMood:
    tag: JournalTag = strawberry.field(description="The tag.")
    average_mood: float = strawberry.field(description="Average mood, 1-10.")
    count: int = strawberry.field(description="Entries with the tag and a mood.")


@strawberry.type(description="My average mood on entries about a topic.")
class TopicMood:
    topic: Topic = strawberry.field(description="The topic.")
    average_mood: float = strawberry.field(description="Average mood, 1-10.")
    count: int = strawberry.field(description="Entries with the topic and a mood.")


@strawberry.type(description="How often I write about a topic.")
class TopicFrequency:
    topic: Topic = strawberry.field(description="The topic.")
    entry_count: int = strawberry.field(description="My entries assigned to it.")
    average_relevance: float = strawberry.field(description="Mean cosine relevance.")


@strawberry.enum(description="The kind of pattern an insight describes.")
class InsightType(Enum):
    WEEKDAY_MOOD = found.WEEKDAY_MOOD
    TIME_OF_DAY_MOOD = found.TIME_OF_DAY_MOOD
    TAG_MOOD = found.TAG_MOOD
    TOPIC_MOOD = found.TOPIC_MOOD
    WRITING_STREAK = found.WRITING_STREAK
    WRITING_GAP = found.WRITING_GAP
    LOW_MOOD_RUN = found.LOW_MOOD_RUN
    PRECEDING_WORD = found.PRECEDING_WORD
    PRECEDING_TOPIC = found.PRECEDING_TOPIC


@strawberry.type(
    description="A pattern in my own journal (never a diagnosis), with the entries that show "
    "it. Kept up to date as my journal changes."
)
class Insight(relay.Node):
    id: relay.NodeID[str]
    type: InsightType = strawberry.field(description="What kind of pattern it is.")
    title: str = strawberry.field(description="A short headline.")
    message: str = strawberry.field(description="The pattern in a few kind sentences.")
    data: JSON = strawberry.field(
        description="The numbers behind it, by type: e.g. groupMean, baselineMean, sampleSize, "
        "effectSize (Cohen's d) and direction for mood comparisons; days, start and end for runs."
    )
    confidence: float = strawberry.field(
        description="0..1: how unlikely the pattern is to be chance (1 for plain facts)."
    )
    dismissed_at: datetime | None = strawberry.field(description="When I dismissed it.")
    created_at: datetime = strawberry.field(description="When it was first found.")
    updated_at: datetime = strawberry.field(description="When its numbers last changed.")
    evidence_ids: strawberry.Private[list[uuid.UUID]]

    @classmethod
    def from_row(cls, row: InsightRow) -> Insight:
        return from_row(
            cls,
            row,
            type=InsightType(row.insight_type),
            evidence_ids=list(row.evidence_entry_ids),
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return owned_nodes(
            info, node_ids, info.context.loaders.insights.insight_by_id, cls.from_row
        )

    @strawberry.field(description="My entries that support it, newest first.")
    async def evidence(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[JournalEntry]:
        user_id = info.context.require_principal().user_id
        rows = await info.context.loaders.journal.entry_by_id.load_many(self.evidence_ids)
        # Deleted entries drop out; hidden (vault) entries are never among them.
        entries = [found for row in rows if (found := owned(row, user_id)) is not None]
        return list_page(
            entries, kind="evidence", node=JournalEntry.from_row, first=first, after=after
        )
