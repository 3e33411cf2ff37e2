"""GraphQL types of insights."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from resolvers.journal.types import JournalTag, Topic


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
    description="Runs of consecutive days on which I wrote (UTC dates; days ahead of today do"
    " not count)."
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
