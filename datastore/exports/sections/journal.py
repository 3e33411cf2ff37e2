"""The journal's sections: entries, tags, reminders, AI analyses and topics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from datastore.exports.sections.base import Scope, Section, each, fields, iso
from datastore.journal.repository.analysis import AnalysisRepository
from datastore.journal.repository.export import JournalExportRepository
from datastore.journal.tables import EMOTIONS


async def _entries(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    repository = JournalExportRepository(scope.db)
    async for batch in repository.entries(scope.user_id):
        tags = await repository.tag_ids_by_entry_ids([row.id for row in batch])
        for row in batch:
            yield {
                "id": str(row.id),
                "title": row.title,
                "content": row.content,
                "entryDate": iso(row.entry_date),
                "mood": row.mood,
                "moodScore": row.mood_score,
                "isPrivate": row.is_private,
                "publishedAt": iso(row.published_at),
                "wordCount": row.word_count,
                "tagIds": [str(t) for t in tags.get(row.id, [])],
                "version": row.version,
                "createdAt": iso(row.created_at),
                "updatedAt": iso(row.updated_at),
            }


async def _tags(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async for row in each(JournalExportRepository(scope.db).tags(scope.user_id)):
        yield {
            "id": str(row.id),
            "name": row.name,
            "color": row.color,
            "version": row.version,
            "createdAt": iso(row.created_at),
        }


async def _reminders(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async for row in each(JournalExportRepository(scope.db).reminders(scope.user_id)):
        yield {
            "id": str(row.id),
            "title": row.title,
            "description": row.description,
            "remindAt": iso(row.remind_at),
            "timeZone": row.time_zone,
            "priority": row.priority,
            "repeat": row.repeat,
            "intervalDays": row.repeat_interval_days,
            "repeatAnchor": iso(row.repeat_anchor),
            "completed": row.is_completed,
            "completedAt": iso(row.completed_at),
            "nextFireAt": iso(row.fire_at),
            "lastFiredAt": iso(row.last_fired_at),
            "version": row.version,
            "createdAt": iso(row.created_at),
            "updatedAt": iso(row.updated_at),
        }


async def _analyses(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    analysis = AnalysisRepository(scope.db)
    async for batch in JournalExportRepository(scope.db).entries(scope.user_id):
        ids = [row.id for row in batch]
        sentiments = await analysis.sentiments_by_entry_ids(ids)
        emotions = await analysis.emotions_by_entry_ids(ids)
        for entry_id in ids:
            for s in sorted(sentiments.get(entry_id, []), key=lambda r: r.model):
                yield {
                    "entryId": str(entry_id),
                    "kind": "SENTIMENT",
                    "model": s.model,
                    "values": {
                        "label": s.label,
                        "confidence": s.confidence,
                        "compound": s.compound,
                    },
                    "createdAt": iso(s.created_at),
                }
            for e in sorted(emotions.get(entry_id, []), key=lambda r: r.model):
                shares = {name: getattr(e, name) for name in EMOTIONS}
                yield {
                    "entryId": str(entry_id),
                    "kind": "EMOTIONS",
                    "model": e.model,
                    "values": {**shares, "dominant": e.dominant},
                    "createdAt": iso(e.created_at),
                }


async def _topics(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    repository = JournalExportRepository(scope.db)
    async for batch in repository.topics(scope.user_id):
        entries = await repository.entries_by_topic_ids(scope.user_id, [t.id for t in batch])
        for topic in batch:
            yield {
                "id": str(topic.id),
                "name": topic.name,
                "description": topic.description,
                "system": topic.user_id is None,
                "entries": [
                    {"entryId": str(entry_id), "relevance": relevance}
                    for entry_id, relevance in entries.get(topic.id, [])
                ],
                "createdAt": iso(topic.created_at),
            }


ENTRIES = Section(
    name="journal.entries",
    file="journal/entries.json",
    version=1,
    description="Every entry of my journal.",
    fields=fields(
        ("id", "Entry id (UUID)."),
        ("title", "Title, or null."),
        ("content", "The text."),
        ("entryDate", "The day it is about (YYYY-MM-DD)."),
        ("mood", "Mood 1 (low) to 10 (high), or null."),
        ("moodScore", "The mood as -1..1, or null."),
        ("isPrivate", "Marked private."),
        ("publishedAt", "When published (ISO 8601), or null."),
        ("wordCount", "Words in `content`."),
        ("tagIds", "Ids of its tags (see journal/tags.json)."),
        ("version", "Bumped by each change."),
        ("createdAt", "ISO 8601."),
        ("updatedAt", "ISO 8601."),
    ),
    rows=_entries,
)

TAGS = Section(
    name="journal.tags",
    file="journal/tags.json",
    version=1,
    description="My journal tags.",
    fields=fields(
        ("id", "Tag id (UUID)."),
        ("name", "Name, unique ignoring case."),
        ("color", "Hex colour #RRGGBB."),
        ("version", "Bumped by each change."),
        ("createdAt", "ISO 8601."),
    ),
    rows=_tags,
)

REMINDERS = Section(
    name="journal.reminders",
    file="journal/reminders.json",
    version=1,
    description="My reminders.",
    fields=fields(
        ("id", "Reminder id (UUID)."),
        ("title", "What to be reminded of."),
        ("description", "More detail, or null."),
        ("remindAt", "The current (or next) occurrence (ISO 8601)."),
        ("timeZone", "IANA time zone repeats follow."),
        ("priority", "1 (low) to 5 (urgent)."),
        ("repeat", "NONE, DAILY, WEEKLY, MONTHLY, YEARLY or INTERVAL."),
        ("intervalDays", "Days between INTERVAL repeats, or null."),
        ("repeatAnchor", "The time first chosen, which monthly/yearly repeats count from."),
        ("completed", "Marked done."),
        ("completedAt", "When marked done, or null."),
        ("nextFireAt", "When it notifies next, or null."),
        ("lastFiredAt", "When it last notified, or null."),
        ("version", "Bumped by each change."),
        ("createdAt", "ISO 8601."),
        ("updatedAt", "ISO 8601."),
    ),
    rows=_reminders,
)

ANALYSES = Section(
    name="journal.analyses",
    file="journal/analyses.json",
    version=1,
    description="What the AI models found in my journal entries, one item per entry and model.",
    fields=fields(
        ("entryId", "The journal entry (see journal/entries.json)."),
        ("kind", "SENTIMENT or EMOTIONS."),
        ("model", "The model's name and version."),
        (
            "values",
            "SENTIMENT: label (POSITIVE/NEGATIVE/NEUTRAL), confidence 0..1, compound -1..1. "
            "EMOTIONS: the share of each of " + ", ".join(EMOTIONS) + " (adding up to 1) "
            "and the dominant one.",
        ),
        ("createdAt", "When it was analysed (ISO 8601)."),
    ),
    rows=_analyses,
)

TOPICS = Section(
    name="journal.topics",
    file="journal/topics.json",
    version=1,
    description="My own topics and the system topics found in my entries, with which entries.",
    fields=fields(
        ("id", "Topic id (UUID)."),
        ("name", "Name."),
        ("description", "What it covers."),
        ("system", "A topic every account has (true) or one of mine (false)."),
        ("entries", "My entries with it: objects of entryId and relevance (-1..1)."),
        ("createdAt", "ISO 8601."),
    ),
    rows=_topics,
)
