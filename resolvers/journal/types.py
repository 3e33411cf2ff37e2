"""GraphQL types of the journal: entries, tags, AI results and topics."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry import relay

from datastore.journal.tables import JournalEmotions as EmotionsRow
from datastore.journal.tables import JournalEntry as EntryRow
from datastore.journal.tables import JournalSentiment as SentimentRow
from datastore.journal.tables import JournalTag as TagRow
from datastore.journal.tables import Topic as TopicRow
from datastore.kit.ai.emotions import EMOTION_MODEL
from datastore.kit.ai.sentiment import SENTIMENT_MODEL
from resolvers.core.context import Context
from resolvers.core.pagination import After, Connection, First
from resolvers.journal.access import offset_cursor, owned, slice_page, uuid_or_none

Info = strawberry.Info[Context, None]
ModelName = Annotated[
    str, strawberry.argument(description="The analyser's model name; the default when omitted.")
]


async def _resolve_owned(cls: Any, info: Info, node_ids: Iterable[str], loader_name: str) -> list:
    principal = info.context.principal
    ids = [uuid_or_none(i) for i in node_ids]
    if principal is None:
        return [None] * len(ids)
    loader = getattr(info.context.loaders.journal, loader_name)
    rows = await loader.load_many([i for i in ids if i])
    by_id = {row.id: row for row in rows if owned(row, principal.user_id)}
    return [cls.from_row(by_id[i]) if i in by_id else None for i in ids]


@strawberry.type(description="A label of my own for journal entries, with a colour.")
class JournalTag(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="Unique among my tags, ignoring case.")
    color: str = strawberry.field(description="Hex colour, #RRGGBB.")
    created_at: datetime = strawberry.field(description="When I created it.")

    @classmethod
    def from_row(cls, row: TagRow) -> JournalTag:
        return cls(id=str(row.id), name=row.name, color=row.color, created_at=row.created_at)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[JournalTag | None]:
        return await _resolve_owned(cls, info, node_ids, "tag_by_id")


@strawberry.enum(description="Overall polarity of a text.")
class SentimentLabel(Enum):
    POSITIVE = "POSITIVE"
    NEGATIVE = "NEGATIVE"
    NEUTRAL = "NEUTRAL"


@strawberry.type(description="Sentiment of an entry by one analyser model.")
class Sentiment:
    model: str = strawberry.field(description="The analyser, e.g. vader-3.3.2.")
    label: SentimentLabel = strawberry.field(description="Positive, negative or neutral.")
    confidence: float = strawberry.field(description="0..1: how strongly the text says it.")
    compound: float = strawberry.field(description="-1 (most negative) to 1 (most positive).")

    @classmethod
    def from_row(cls, row: SentimentRow) -> Sentiment:
        return cls(
            model=row.model,
            label=SentimentLabel(row.label),
            confidence=row.confidence,
            compound=row.compound,
        )


@strawberry.type(description="Emotion shares of an entry (they add up to 1) by one model.")
class Emotions:
    model: str = strawberry.field(description="The scorer's model name.")
    joy: float = strawberry.field(description="Share of joy.")
    sadness: float = strawberry.field(description="Share of sadness.")
    anger: float = strawberry.field(description="Share of anger.")
    fear: float = strawberry.field(description="Share of fear.")
    surprise: float = strawberry.field(description="Share of surprise.")
    love: float = strawberry.field(description="Share of love.")
    neutral: float = strawberry.field(description="Share of no particular emotion.")
    dominant: str = strawberry.field(description="The emotion with the largest share.")

    @classmethod
    def from_row(cls, row: EmotionsRow) -> Emotions:
        names = ("joy", "sadness", "anger", "fear", "surprise", "love", "neutral")
        return cls(model=row.model, dominant=row.dominant, **{n: getattr(row, n) for n in names})


@strawberry.type(description="A theme entries are about: a system topic or one of mine.")
class Topic(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="The topic's name.")
    description: str = strawberry.field(description="What it covers; used to match entries.")
    system: bool = strawberry.field(description="Offered to everyone, not created by me.")

    @classmethod
    def from_row(cls, row: TopicRow) -> Topic:
        return cls(
            id=str(row.id), name=row.name, description=row.description, system=row.user_id is None
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Topic | None]:
        principal = info.context.principal
        ids = [uuid_or_none(i) for i in node_ids]
        if principal is None:
            return [None] * len(ids)
        rows = await info.context.loaders.journal.topic_by_id.load_many([i for i in ids if i])
        visible = {r.id: r for r in rows if r and r.user_id in (None, principal.user_id)}
        return [cls.from_row(visible[i]) if i in visible else None for i in ids]


@strawberry.type(description="A topic assigned to an entry.")
class EntryTopic:
    topic: Topic = strawberry.field(description="The topic.")
    relevance: float = strawberry.field(description="Cosine similarity of entry and topic.")


@strawberry.type(description="A dated journal entry of mine, with mood, tags and AI insight.")
class JournalEntry(relay.Node):
    id: relay.NodeID[str]
    title: str | None = strawberry.field(description="Optional title (200 characters).")
    content: str = strawberry.field(description="The text; never blank.")
    entry_date: date = strawberry.field(description="The day the entry is about.")
    mood: int | None = strawberry.field(description="My mood rating, 1 (worst) to 10 (best).")
    mood_score: float | None = strawberry.field(
        description="The mood mapped onto -1..1 for analytics: (mood - 5.5) / 4.5."
    )
    is_private: bool = strawberry.field(description="Kept to myself, never published.")
    published_at: datetime | None = strawberry.field(description="When I published it.")
    word_count: int = strawberry.field(description="Words in the content, counted by the DB.")
    version: int = strawberry.field(description="Bumped by each change; pass to updates.")
    created_at: datetime = strawberry.field(description="When it was written.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    row_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: EntryRow) -> JournalEntry:
        return cls(
            id=str(row.id),
            row_id=row.id,
            title=row.title,
            content=row.content,
            entry_date=row.entry_date,
            mood=row.mood,
            mood_score=row.mood_score,
            is_private=row.is_private,
            published_at=row.published_at,
            word_count=row.word_count,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[JournalEntry | None]:
        return await _resolve_owned(cls, info, node_ids, "entry_by_id")

    @strawberry.field(description="My tags on this entry, by name.")
    async def tags(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[JournalTag]:
        rows = await info.context.loaders.journal.tags_by_entry_id.load(self.row_id)
        return _counted_page(rows, "entrytags", first, after, JournalTag.from_row)

    @strawberry.field(description="Sentiment by one model; null until analysed.")
    async def sentiment(self, info: Info, model: ModelName = SENTIMENT_MODEL) -> Sentiment | None:
        rows = await info.context.loaders.journal.sentiments_by_entry_id.load(self.row_id)
        row = _by_model(rows, model)
        return Sentiment.from_row(row) if row else None

    @strawberry.field(description="Emotion shares by one model; null until analysed.")
    async def emotions(self, info: Info, model: ModelName = EMOTION_MODEL) -> Emotions | None:
        rows = await info.context.loaders.journal.emotions_by_entry_id.load(self.row_id)
        row = _by_model(rows, model)
        return Emotions.from_row(row) if row else None

    @strawberry.field(description="Topics assigned to this entry, most relevant first.")
    async def topics(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[EntryTopic]:
        rows = await info.context.loaders.journal.topics_by_entry_id.load(self.row_id)
        return _counted_page(
            rows,
            "entrytopics",
            first,
            after,
            lambda row: EntryTopic(topic=Topic.from_row(row[0]), relevance=round(row[1], 4)),
        )


@strawberry.type(description="A topic with how many of my entries it is assigned to.")
class TopicUsage:
    topic: Topic = strawberry.field(description="The topic.")
    entry_count: int = strawberry.field(description="My entries assigned to it.")


@strawberry.type(description="An entry similar to another, with its cosine similarity.")
class SimilarEntry:
    entry: JournalEntry = strawberry.field(description="The similar entry.")
    score: float = strawberry.field(description="Cosine similarity, -1..1 (1 = same meaning).")


@strawberry.enum(description="How a reminder repeats.")
class ReminderRepeat(Enum):
    NONE = "NONE"
    DAILY = "DAILY"
    WEEKDAYS = "WEEKDAYS"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    YEARLY = "YEARLY"
    INTERVAL = "INTERVAL"


@strawberry.type(description="A reminder of mine; it notifies me (REMINDER) when due.")
class Reminder(relay.Node):
    id: relay.NodeID[str]
    title: str = strawberry.field(description="What to be reminded of.")
    description: str | None = strawberry.field(description="More detail.")
    remind_at: datetime = strawberry.field(description="The current (or next) occurrence.")
    time_zone: str = strawberry.field(description="IANA zone that repeats follow.")
    priority: int = strawberry.field(description="1 (low) to 5 (urgent).")
    repeat: ReminderRepeat = strawberry.field(description="How it repeats.")
    interval_days: int | None = strawberry.field(description="Days between INTERVAL repeats.")
    completed: bool = strawberry.field(description="I marked it done.")
    completed_at: datetime | None = strawberry.field(description="Set exactly when completed.")
    next_fire_at: datetime | None = strawberry.field(
        description="When it notifies next (later than remindAt when snoozed); null if never."
    )
    last_fired_at: datetime | None = strawberry.field(description="When it last notified me.")
    version: int = strawberry.field(description="Bumped by each change.")
    created_at: datetime = strawberry.field(description="When I created it.")

    @classmethod
    def from_row(cls, row: Any) -> Reminder:
        return cls(
            id=str(row.id),
            title=row.title,
            description=row.description,
            remind_at=row.remind_at,
            time_zone=row.time_zone,
            priority=row.priority,
            repeat=ReminderRepeat(row.repeat),
            interval_days=row.repeat_interval_days,
            completed=row.is_completed,
            completed_at=row.completed_at,
            next_fire_at=row.fire_at,
            last_fired_at=row.last_fired_at,
            version=row.version,
            created_at=row.created_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Reminder | None]:
        return await _resolve_owned(cls, info, node_ids, "reminder_by_id")


def _by_model(rows: Sequence[Any], model: str) -> Any:
    """The analysis row of `model`, or None until analysed."""
    return next((r for r in rows if r.model == model), None)


def _counted_page(
    rows: Sequence[Any], kind: str, first: int | None, after: str | None, node: Any
) -> Connection[Any]:
    """A page of an entry's (small, loaded whole) list, with offset cursors and its count."""
    page, has_next, start = slice_page(rows, kind=kind, first=first, after=after)
    return Connection.build(
        page,
        node=lambda pair: node(pair[1]),
        cursor=lambda pair: offset_cursor(kind, pair[0]),
        has_next=has_next,
        has_previous=start > 0,
        total_count=len(rows),
    )
