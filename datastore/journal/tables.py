"""Journal tables: entries, tags, reminders, and the AI results stored beside them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR, UUID
from sqlalchemy.orm import Mapped, mapped_column

from datastore.kit.postgres import Base

# Vectors have the dimensions of the model that wrote them (EMBEDDING_MODEL: 384 or 768);
# the columns are `vector` of any length and `embeddings.model` names the model.
EMOTIONS = ("joy", "sadness", "anger", "fear", "surprise", "love", "neutral")


def _uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )


def _owner() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"))


class JournalTag(Base):
    __tablename__ = "journal_tags"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = _owner()
    name: Mapped[str] = mapped_column(String(50))
    # For fuzzy search by name (datastore/kit/trigrams.py); never loaded with the row.
    trigrams: Mapped[list[str]] = mapped_column(
        ARRAY(Text), Computed("pp_trigrams(name)", persisted=True), deferred=True
    )
    color: Mapped[str] = mapped_column(String(7), server_default="#808080")
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class JournalEntry(Base):
    __tablename__ = "journal_entries"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = _owner()
    title: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    entry_date: Mapped[date] = mapped_column(Date, server_default=text("CURRENT_DATE"))
    mood: Mapped[int | None] = mapped_column(SmallInteger)
    mood_score: Mapped[float | None] = mapped_column(
        Float, Computed("round(((mood - 5.5) / 4.5)::numeric, 4)::float8", persisted=True)
    )
    is_private: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    word_count: Mapped[int] = mapped_column(
        Integer,
        Computed(
            "coalesce(array_length(regexp_split_to_array(btrim(content), '\\s+'), 1), 0)",
            persisted=True,
        ),
    )
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR,
        Computed(
            # search_language: the user's (pod settings), set on insert by a trigger and
            # followed on change (migration 0019); not mapped, like the pod's.
            "setweight(to_tsvector(search_language, coalesce(title, '')), 'A') || "
            "setweight(to_tsvector(search_language, content), 'B')",
            persisted=True,
        ),
        deferred=True,
    )
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class JournalEntryTag(Base):
    __tablename__ = "journal_entry_tags"

    entry_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("journal_entries.id", ondelete="CASCADE"),
        primary_key=True,
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("journal_tags.id", ondelete="CASCADE"), primary_key=True
    )


class Reminder(Base):
    __tablename__ = "reminders"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = _owner()
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    remind_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    time_zone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    priority: Mapped[int] = mapped_column(SmallInteger, server_default="3")
    repeat: Mapped[str] = mapped_column(String(16), server_default="NONE")
    repeat_interval_days: Mapped[int | None] = mapped_column(Integer)
    # The time the user chose: monthly/yearly occurrences are counted from it.
    repeat_anchor: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    is_completed: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fire_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fire_seq: Mapped[int] = mapped_column(Integer, server_default="0")
    last_fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AIJob(Base):
    __tablename__ = "ai_jobs"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    token: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), server_default=text("gen_random_uuid()")
    )
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Embedding(Base):
    __tablename__ = "embeddings"
    # Which models wrote vectors: two index lookups (min and max) at every worker start.
    __table_args__ = (Index("ix_embeddings_model", "model"),)

    source: Mapped[str] = mapped_column(String(8), primary_key=True)
    entry_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    user_id: Mapped[uuid.UUID] = _owner()
    model: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(32))
    embedding: Mapped[list[float]] = mapped_column(Vector())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EmbeddingChunk(Base):
    """One passage's vector (chunk 0: the whole text); semantic search takes the best."""

    __tablename__ = "embedding_chunks"
    __table_args__ = (
        ForeignKeyConstraint(
            ["source", "entry_id"],
            ["embeddings.source", "embeddings.entry_id"],
            ondelete="CASCADE",
        ),
    )

    source: Mapped[str] = mapped_column(String(8), primary_key=True)
    entry_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    chunk: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    user_id: Mapped[uuid.UUID] = _owner()
    embedding: Mapped[list[float]] = mapped_column(Vector())


class SearchTerm(Base):
    """A word (lexeme) in a user's indexed texts, with its trigrams for typo matching."""

    __tablename__ = "search_terms"

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(Text, primary_key=True)
    trigrams: Mapped[list[str]] = mapped_column(
        ARRAY(Text), Computed("pp_trigrams(term)", persisted=True)
    )


class JournalSentiment(Base):
    __tablename__ = "journal_sentiments"

    entry_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("journal_entries.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[float] = mapped_column(Float)
    compound: Mapped[float] = mapped_column(Float)
    content_hash: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class JournalEmotions(Base):
    __tablename__ = "journal_emotions"

    entry_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("journal_entries.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(64), primary_key=True)
    joy: Mapped[float] = mapped_column(Float)
    sadness: Mapped[float] = mapped_column(Float)
    anger: Mapped[float] = mapped_column(Float)
    fear: Mapped[float] = mapped_column(Float)
    surprise: Mapped[float] = mapped_column(Float)
    love: Mapped[float] = mapped_column(Float)
    neutral: Mapped[float] = mapped_column(Float)
    dominant: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Topic(Base):
    __tablename__ = "topics"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, server_default="")
    embedding: Mapped[list[float] | None] = mapped_column(Vector(), deferred=True)
    # Made by clustering my entries (its embedding is their centroid), not by me.
    discovered: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    keywords: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    pinned: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # Renamed or merged by me: re-clustering keeps its name and its entries.
    curated: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TopicDiscovery(Base):
    """When a user's entries were last clustered, and how many there were."""

    __tablename__ = "topic_discovery"

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    entry_count: Mapped[int] = mapped_column(Integer)
    ran_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class JournalEntryTopic(Base):
    __tablename__ = "journal_entry_topics"

    entry_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("journal_entries.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    relevance: Mapped[float] = mapped_column(Float)
