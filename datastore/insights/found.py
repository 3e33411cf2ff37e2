"""What the insights job finds: typed insights with their data, confidence and evidence."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from datastore.journal.repository.history import HistoryEntry

WEEKDAY_MOOD = "WEEKDAY_MOOD"
TIME_OF_DAY_MOOD = "TIME_OF_DAY_MOOD"
TAG_MOOD = "TAG_MOOD"
TOPIC_MOOD = "TOPIC_MOOD"
WRITING_STREAK = "WRITING_STREAK"
WRITING_GAP = "WRITING_GAP"
LOW_MOOD_RUN = "LOW_MOOD_RUN"
PRECEDING_WORD = "PRECEDING_WORD"
PRECEDING_TOPIC = "PRECEDING_TOPIC"
TYPES = (
    WEEKDAY_MOOD,
    TIME_OF_DAY_MOOD,
    TAG_MOOD,
    TOPIC_MOOD,
    WRITING_STREAK,
    WRITING_GAP,
    LOW_MOOD_RUN,
    PRECEDING_WORD,
    PRECEDING_TOPIC,
)
# Entries cited per insight: enough to look back at, bounded storage.
MAX_EVIDENCE = 100


@dataclass(frozen=True)
class FoundInsight:
    insight_type: str
    key: str
    title: str
    message: str
    data: dict[str, Any]
    confidence: float
    evidence: tuple[uuid.UUID, ...] = field(default=())


@dataclass(frozen=True)
class Journal:
    """One user's journal as the detectors see it."""

    entries: list[HistoryEntry]  # oldest first
    names: dict[uuid.UUID, str]
    zone: str
    today: date
    min_sample: int

    @property
    def rated(self) -> list[HistoryEntry]:
        return [e for e in self.entries if e.mood is not None]


def evidence(entries: list[HistoryEntry]) -> tuple[uuid.UUID, ...]:
    """The ids of `entries`, newest first, at most MAX_EVIDENCE."""
    ordered = sorted(entries, key=lambda e: (e.entry_date, e.created_at, e.id), reverse=True)
    return tuple(dict.fromkeys(e.id for e in ordered))[:MAX_EVIDENCE]
