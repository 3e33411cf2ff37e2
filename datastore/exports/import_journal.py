"""Importing an archive's journal: tags, entries with their tags (each queued for its AI
analysis, as a new entry is), and reminders as they were (armed or done)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.exports.items import ItemReader
from datastore.exports.ledger import Ledger
from datastore.exports.sections import journal
from datastore.journal import validation as check
from datastore.journal.changes import record_change
from datastore.journal.repository import (
    JournalEntryRepository,
    JournalTagRepository,
    ReminderRepository,
)
from datastore.journal.repository.export import JournalExportRepository
from datastore.journal.repository.jobs import EMBED_JOURNAL, AIJobRepository

Items = list[dict[str, Any]]
Pairs = list[tuple[uuid.UUID, uuid.UUID, bool]]


class JournalImport:
    def __init__(self, db: AsyncSession, user_id: uuid.UUID, ledger: Ledger) -> None:
        self.db = db
        self.user_id = user_id
        self.ledger = ledger

    async def run(self, tags: Items, entries: Items, reminders: Items) -> None:
        tag_ids = await self._tags(tags)
        await self._entries(entries, tag_ids)
        await self._reminders(reminders)

    async def _changed(self, entity: str, row: Any) -> None:
        await record_change(self.db, self.user_id, entity, "CREATED", row, device=None)

    async def _tags(self, items: Items) -> dict[uuid.UUID, uuid.UUID]:
        kind = journal.TAGS.name
        mapped = await self.ledger.known(kind)
        readers = [ItemReader(journal.TAGS.file, i, v) for i, v in enumerate(items)]
        names = [r.checked("name", check.tag_name, r.text("name")) for r in readers]
        existing = await JournalExportRepository(self.db).tag_ids_by_names(self.user_id, names)
        pairs: Pairs = []
        for reader, name in zip(readers, names, strict=True):
            source = reader.uuid("id")
            if source in mapped:
                self.ledger.skipped(kind)
                continue
            if name.lower() in existing:  # the account has this tag: its entries share it
                mapped[source] = existing[name.lower()]
                pairs.append((source, mapped[source], False))
                continue
            color = reader.checked("color", check.color, reader.text("color"))
            row = await JournalTagRepository(self.db).create(self.user_id, name=name, color=color)
            assert row is not None  # no tag of this name: checked above, in this transaction
            existing[name.lower()] = mapped[source] = row.id
            pairs.append((source, row.id, True))
            await self._changed("tag", row)
        await self.ledger.brought_in(kind, pairs)
        return mapped

    async def _entries(self, items: Items, tags: dict[uuid.UUID, uuid.UUID]) -> None:
        kind = journal.ENTRIES.name
        mapped = await self.ledger.known(kind)
        entries = JournalEntryRepository(self.db)
        pairs: Pairs = []
        for index, item in enumerate(items):
            reader = ItemReader(journal.ENTRIES.file, index, item)
            source = reader.uuid("id")
            if source in mapped:
                self.ledger.skipped(kind)
                continue
            values = {
                "title": reader.checked("title", check.title, reader.optional_text("title")),
                "content": reader.checked("content", check.content, reader.text("content")),
                "entry_date": reader.day("entryDate"),
                "mood": reader.checked("mood", check.mood, reader.optional_integer("mood")),
                "is_private": reader.flag("isPrivate"),
                "published_at": reader.optional_time("publishedAt"),
            }
            row = await entries.create(self.user_id, values)
            tag_ids = sorted({tags[t] for t in reader.uuids("tagIds") if t in tags})
            if len(tag_ids) > check.MAX_TAGS_PER_ENTRY:
                raise reader.bad("tagIds", f"at most {check.MAX_TAGS_PER_ENTRY} tags.")
            if tag_ids:
                await entries.replace_tags(row.id, tag_ids)
            await AIJobRepository(self.db).enqueue(EMBED_JOURNAL, row.id, self.user_id)
            mapped[source] = row.id
            pairs.append((source, row.id, True))
            await self._changed("entry", row)
        await self.ledger.brought_in(kind, pairs)

    async def _reminders(self, items: Items) -> None:
        kind = journal.REMINDERS.name
        mapped = await self.ledger.known(kind)
        pairs: Pairs = []
        for index, item in enumerate(items):
            reader = ItemReader(journal.REMINDERS.file, index, item)
            source = reader.uuid("id")
            if source in mapped:
                self.ledger.skipped(kind)
                continue
            row = await ReminderRepository(self.db).create(self.user_id, _reminder_values(reader))
            mapped[source] = row.id
            pairs.append((source, row.id, True))
            await self._changed("reminder", row)
        await self.ledger.brought_in(kind, pairs)


def _reminder_values(reader: ItemReader) -> dict[str, Any]:
    """A reminder as exported: its next firing (null once done or past) is kept, so an
    import never fires again what already fired."""
    completed = reader.flag("completed")
    repeat = reader.checked(
        "repeat",
        lambda r: check.repeat(r, reader.optional_integer("intervalDays")),
        reader.text("repeat"),
    )
    priority = reader.integer("priority")
    return {
        "title": reader.checked(
            "title", lambda t: check.title(t, required=True), reader.text("title")
        ),
        "description": reader.checked(
            "description", check.description, reader.optional_text("description")
        ),
        "remind_at": reader.time("remindAt"),
        "time_zone": reader.checked("timeZone", check.time_zone, reader.text("timeZone")),
        "priority": reader.checked("priority", check.priority, priority),
        **repeat,
        "repeat_anchor": reader.optional_time("repeatAnchor"),
        "is_completed": completed,
        "completed_at": (reader.optional_time("completedAt") or datetime.now(UTC))
        if completed
        else None,
        "fire_at": None if completed else reader.optional_time("nextFireAt"),
    }
