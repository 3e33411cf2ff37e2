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
from datastore.journal.tables import Reminder as ReminderRow
from datastore.journal.tables import Topic as TopicRow
from datastore.kit.ai.emotions import EMOTION_MODEL
from datastore.kit.ai.sentiment import SENTIMENT_MODEL, predicted_mood
from datastore.vault.tables import VaultEntry as VaultEntryRow
from resolvers.core.context import Info
from resolvers.core.ids import global_id, node_uuid
from resolvers.core.nodes import Nodes, owned_nodes, visible_nodes
from resolvers.core.pagination import After, Connection, First, list_page
from resolvers.core.rows import from_row
from resolvers.pod.enums import EntityType
from resolvers.vault.types import VaultBlob

ModelName = Annotated[
    str, strawberry.argument(description="The analyser's model name; the default when omitted.")
]


@strawberry.type(description="A label of my own for journal entries, with a colour.")
class JournalTag(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="Unique among my tags, ignoring case.")
    color: str = strawberry.field(description="Hex colour, #RRGGBB.")
    version: int = strawberry.field(description="Bumped by each change; pass to updates.")
    created_at: datetime = strawberry.field(description="When I created it.")

    @classmethod
    def from_row(cls, row: TagRow) -> JournalTag:
        return from_row(cls, row)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return owned_nodes(info, node_ids, info.context.loaders.journal.tag_by_id, cls.from_row)


@strawberry.enum(description="Overall polarity of a text.")
class SentimentLabel(Enum):
    POSITIVE = "POSITIVE"
    NEGATIVE = "NEGATIVE"
    NEUTRAL = "NEUTRAL"


@strawberry.type(description="Sentiment of an entry by one analyser model.")
class Sentiment:
    model: str = strawberry.field(
        description="The analyser, e.g. vader-sentences-emotion-2 (-1, vader-3.3.2 before)."
    )
    label: SentimentLabel = strawberry.field(description="Positive, negative or neutral.")
    confidence: float = strawberry.field(
        description="0..1: the probability that my own mood rating agrees with the label."
    )
    compound: float = strawberry.field(description="-1 (most negative) to 1 (most positive).")
    predicted_mood: float | None = strawberry.field(
        description="The mood 1..10 the text suggests, for entries whose writer gave none; "
        "null for models without a mood calibration."
    )

    @classmethod
    def from_row(cls, row: SentimentRow) -> Sentiment:
        return from_row(
            cls,
            row,
            label=SentimentLabel(row.label),
            predicted_mood=predicted_mood(row.compound, row.model),
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
        return from_row(cls, row)


@strawberry.enum(description="Where a topic comes from.")
class TopicKind(Enum):
    SYSTEM = "SYSTEM"
    MINE = "MINE"
    DISCOVERED = "DISCOVERED"


@strawberry.type(
    description="A theme entries are about: a system topic, one of mine, or one "
    "found in my own entries."
)
class Topic(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="The topic's name.")
    description: str = strawberry.field(description="What it covers; used to match entries.")
    system: bool = strawberry.field(description="Offered to everyone, not created by me.")
    kind: TopicKind = strawberry.field(
        description="SYSTEM (everyone's), MINE (created by me) or DISCOVERED (a cluster of my "
        "entries, named by its most distinctive words)."
    )
    keywords: list[str] = strawberry.field(
        description="A discovered topic's most distinctive words, most distinctive first."
    )
    pinned: bool = strawberry.field(description="Pinned by me: re-discovery never removes it.")
    curated: bool = strawberry.field(
        description="Renamed or merged by me: re-discovery keeps its name and entries."
    )

    @classmethod
    def from_row(cls, row: TopicRow) -> Topic:
        kind = (
            TopicKind.SYSTEM
            if row.user_id is None
            else TopicKind.DISCOVERED
            if row.discovered
            else TopicKind.MINE
        )
        return from_row(cls, row, system=row.user_id is None, kind=kind, keywords=row.keywords)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        """System topics are everyone's; the others only their owner's."""
        return visible_nodes(
            info,
            node_ids,
            key=node_uuid,
            loader=info.context.loaders.journal.topic_by_id,
            visible=lambda row, me: row.user_id in (None, me),
            build=cls.from_row,
        )


@strawberry.type(description="A topic assigned to an entry.")
class EntryTopic:
    topic: Topic = strawberry.field(description="The topic.")
    relevance: float = strawberry.field(
        description="Cosine similarity of entry and topic (for a discovered topic, to the "
        "centroid of its entries)."
    )


@strawberry.type(description="A dated journal entry of mine, with mood, tags and AI insight.")
class JournalEntry(relay.Node):
    id: relay.NodeID[str]
    title: str | None = strawberry.field(description="Optional title (200 characters).")
    content: str = strawberry.field(
        description="The text; never blank, but empty for a hidden entry (see vaultBlob)."
    )
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
    vault_blob: VaultBlob | None = strawberry.field(
        description="A hidden entry's ciphertext (filed under a secret tag, listed only by "
        "journalEntries(secretTag:) while its vault is open); null for ordinary entries."
    )
    row_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: EntryRow) -> JournalEntry:
        return from_row(cls, row, row_id=row.id, vault_blob=None)

    @classmethod
    def from_vault_row(cls, row: VaultEntryRow) -> JournalEntry:
        """A hidden entry: only its date and ciphertext are known to the server."""
        return cls(
            id=str(row.id),
            title=None,
            content="",
            entry_date=row.entry_date,
            mood=None,
            mood_score=None,
            is_private=True,
            published_at=None,
            word_count=0,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
            vault_blob=VaultBlob.from_row(row),
            row_id=row.id,
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return owned_nodes(info, node_ids, info.context.loaders.journal.entry_by_id, cls.from_row)

    @strawberry.field(description="My tags on this entry, by name.")
    async def tags(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[JournalTag]:
        rows = await info.context.loaders.journal.tags_by_entry_id.load(self.row_id)
        return list_page(rows, kind="entrytags", node=JournalTag.from_row, first=first, after=after)

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

    @strawberry.field(
        description="Topics assigned to this entry, the ones I pinned first, then most relevant."
    )
    async def topics(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[EntryTopic]:
        rows = await info.context.loaders.journal.topics_by_entry_id.load(self.row_id)
        return list_page(
            rows,
            kind="entrytopics",
            node=lambda row: EntryTopic(topic=Topic.from_row(row[0]), relevance=round(row[1], 4)),
            first=first,
            after=after,
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
    def from_row(cls, row: ReminderRow) -> Reminder:
        return from_row(
            cls,
            row,
            repeat=ReminderRepeat(row.repeat),
            interval_days=row.repeat_interval_days,
            completed=row.is_completed,
            next_fire_at=row.fire_at,
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return owned_nodes(
            info, node_ids, info.context.loaders.journal.reminder_by_id, cls.from_row
        )


def _by_model(rows: Sequence[Any], model: str) -> Any:
    """The analysis row of `model`, or None until analysed."""
    return next((r for r in rows if r.model == model), None)


@strawberry.enum(description="What happened to a journal entry, tag or reminder.")
class JournalEventKind(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"


@strawberry.type(description="A committed change to one of my journal entries, tags or reminders.")
class JournalEvent:
    kind: JournalEventKind = strawberry.field(description="What happened.")
    entity_type: EntityType = strawberry.field(
        description="JOURNAL_ENTRY, JOURNAL_TAG or REMINDER: which field holds the object."
    )
    entity_id: strawberry.ID = strawberry.field(description="Global id of the object.")
    version: int = strawberry.field(description="Its version after the change.")
    device_session_id: strawberry.ID | None = strawberry.field(
        description="Global id of the session (device) that made it; null for the server "
        "itself (a reminder firing)."
    )
    row_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_change(cls, payload: dict[str, Any]) -> JournalEvent:
        """From a journal change's outbox payload (see datastore/journal/changes.py)."""
        device = payload.get("device")
        return cls(
            kind=JournalEventKind(payload["operation"]),
            entity_type=EntityType(payload["entityType"]),
            entity_id=global_id(payload["nodeType"], payload["entityId"]),
            version=payload["version"],
            device_session_id=global_id("Session", device) if device else None,
            row_id=uuid.UUID(payload["entityId"]),
        )

    async def _current(self, entity_type: EntityType, loader: Any, build: Any) -> Any:
        """The changed object as it is now, if this event is about one of `entity_type`."""
        if self.entity_type is not entity_type or self.kind is JournalEventKind.DELETED:
            return None
        row = await loader.load(self.row_id)
        return build(row) if row is not None else None

    @strawberry.field(description="The entry as it is now; null if deleted or not an entry.")
    async def entry(self, info: Info) -> JournalEntry | None:
        loader = info.context.loaders.journal.entry_by_id
        return await self._current(EntityType.JOURNAL_ENTRY, loader, JournalEntry.from_row)

    @strawberry.field(description="The tag as it is now; null if deleted or not a tag.")
    async def tag(self, info: Info) -> JournalTag | None:
        loader = info.context.loaders.journal.tag_by_id
        return await self._current(EntityType.JOURNAL_TAG, loader, JournalTag.from_row)

    @strawberry.field(description="The reminder as it is now; null if deleted or not one.")
    async def reminder(self, info: Info) -> Reminder | None:
        loader = info.context.loaders.journal.reminder_by_id
        return await self._current(EntityType.REMINDER, loader, Reminder.from_row)
